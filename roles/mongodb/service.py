"""MongoDB: a replica set of `mongod` members, or the single-node SecantusDB stand-in where mongod is absent."""

from __future__ import annotations

from datastack.services import Service, Store, lazy

from .container_job import mongo_first_start_job
from .first_start import run_first_start
from .plan import plan_mongodb

RECONCILER = "roles.mongodb.reconcile"


def _uri(spec, endpoints, secrets, user):
    from datastack.credentials import mongo_login, mongo_uri

    return mongo_uri(endpoints, mongo_login(spec, secrets, user))


SERVICE = Service(
    name="mongodb",
    plan=plan_mongodb,
    store=Store(migrate=lazy(RECONCILER, "migrate_mongodb"), status=lazy(RECONCILER, "mongodb_status"), uri=_uri,
                reconcile_logins=lazy(RECONCILER, "reconcile_mongodb_logins"), roll_back=lazy(RECONCILER, "mongodb_down")),
    # Schema files parse and every granted role exists (pymongo is not imported at load).
    check_spec=lazy(f"{RECONCILER}.schema_file", "check_schemas"),
    first_start=run_first_start,
    first_start_job=mongo_first_start_job,
    design=lazy("roles.mongodb.design", "mongodb_design"),
)
