"""MongoDB: a replica set of `mongod` members, or the single-node SecantusDB stand-in where mongod is absent."""

from __future__ import annotations

from datastack.programs import system_program
from datastack.services import Service, Store, lazy

from .addresses import mongodb_address, mongodb_in_containers
from .checks_spec import MongoBudgets
from .container import BASE_PACKAGES, CONTAINER, IMAGE_RECIPES
from .escaping import TEMPLATE_FILTERS
from .container_job import mongo_first_start_job
from .first_start import run_first_start
from .plan import plan_mongodb
from .spec import MongoSpec

RECONCILER = "roles.mongodb.reconcile"


def _uri(spec, endpoints, secrets, user):
    from roles.mongodb.login import mongo_login, mongo_uri

    return mongo_uri(endpoints, mongo_login(spec, secrets, user))


SERVICE = Service(
    name="mongodb",
    spec_model=MongoSpec,
    latency_budgets=MongoBudgets,
    address=mongodb_address,
    in_containers=mongodb_in_containers,
    find_programs=lambda spec: {"mongod": system_program("mongod")},
    install_hints={"mongod": "install it: apt-get install mongodb-org (from MongoDB's own repository)",
                   "secantus": "install mongod, or pip install 'datastack[standin]' (SecantusDB)"},
    system_user="mongodb",
    referenced_paths=lambda spec: [(f"services.mongodb.databases.{d}.schema", db.schema_file, "file")
                                   for d, db in spec.services.mongodb.databases.items()],
    runtime_requirements=("SecantusDB==0.7.0b3", "pymongo>=4.6"),  # the stand-in runs as the service user
    stand_ins=("secantus",),
    container=CONTAINER,
    design=lazy("roles.mongodb.design", "mongodb_design"),
    template_filters=TEMPLATE_FILTERS,
    image_recipes=IMAGE_RECIPES,
    base_packages=BASE_PACKAGES,
    plan=plan_mongodb,
    ready=lazy("roles.mongodb.probe", "mongo_ping"),
    store=Store(snapshot=lazy("roles.mongodb.diff", "mongodb_snapshot"), compare=lazy("roles.mongodb.diff", "compare_mongodb"),
                migrate=lazy(RECONCILER, "migrate_mongodb"), status=lazy(RECONCILER, "mongodb_status"), uri=_uri,
                reconcile_logins=lazy(RECONCILER, "reconcile_mongodb_logins"), roll_back=lazy(RECONCILER, "mongodb_down")),
    # Schema files parse and every granted role exists (pymongo is not imported at load).
    check_spec=lazy(f"{RECONCILER}.schema_file", "check_schemas"),
    check_secrets=lazy("roles.mongodb.login", "check_external_uri"),
    first_start=run_first_start,
    first_start_job=mongo_first_start_job,
    plan_design=lazy("roles.mongodb.plan_design", "mongodb_plan_design"),
)
