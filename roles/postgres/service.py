"""PostgreSQL: one cluster, scram-sha-256 only, databases with owner/app/readonly roles."""

from __future__ import annotations

from datastack.services import Service, Store, lazy

from .addresses import postgres_address
from .checks_spec import PostgresBudgets
from .container import BASE_PACKAGES, CONTAINER, IMAGE_RECIPES
from .escaping import TEMPLATE_FILTERS
from .programs import INSTALL_HINTS, find_postgres_programs
from .plan import plan_postgres
from .spec import PostgresSpec

RECONCILER = "roles.postgres.reconcile"


def _uri(spec, endpoints, secrets, user):
    from roles.postgres.login import postgres_login, postgres_uri

    return postgres_uri(endpoints, postgres_login(spec, secrets, user))


def _check_spec(spec, path) -> None:
    """Each Alembic directory is a script directory with one head; critical queries name tables and indexes those
    scripts create (alembic imported lazily)."""
    from .reconcile.critical_queries import check_critical_queries
    from .reconcile.spec_checks import check_alembic_scripts

    check_alembic_scripts(spec, path)
    check_critical_queries(spec, path)


SERVICE = Service(
    name="postgres",
    spec_model=PostgresSpec,
    latency_budgets=PostgresBudgets,
    address=postgres_address,
    find_programs=find_postgres_programs,
    install_hints=INSTALL_HINTS,
    system_user="postgres",
    referenced_paths=lambda spec: [(f"services.{spec.services.postgres.declared_as('postgres')}.databases.{d}.alembic",
                                    db.alembic, "directory") for d, db in spec.services.postgres.databases.items()],
    container=CONTAINER,
    design=lazy("roles.postgres.design", "postgres_design"),
    template_filters=TEMPLATE_FILTERS,
    image_recipes=IMAGE_RECIPES,
    base_packages=BASE_PACKAGES,
    instances=True,
    check_secrets=lazy("roles.postgres.login", "check_external_uri"),
    plan=plan_postgres,
    ready=lazy("roles.postgres.probe", "postgres_ready"),
    store=Store(snapshot=lazy("roles.postgres.diff", "postgres_snapshot"), compare=lazy("roles.postgres.diff", "compare_postgres"),
                migrate=lazy(RECONCILER, "migrate_postgres"), status=lazy(RECONCILER, "postgres_status"), uri=_uri,
                reconcile_logins=lazy(RECONCILER, "reconcile_postgres_logins"), roll_back=lazy(RECONCILER, "postgres_down")),
    check_spec=_check_spec,
)
