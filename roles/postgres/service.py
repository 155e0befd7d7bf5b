"""PostgreSQL: one cluster, scram-sha-256 only, databases with owner/app/readonly roles."""

from __future__ import annotations

from datastack.services import Service, Store, lazy

from .plan import plan_postgres

RECONCILER = "roles.postgres.reconcile"


def _uri(spec, endpoints, secrets, user):
    from datastack.credentials import postgres_login, postgres_uri

    return postgres_uri(endpoints, postgres_login(spec, secrets, user))


SERVICE = Service(
    name="postgres",
    plan=plan_postgres,
    store=Store(migrate=lazy(RECONCILER, "migrate_postgres"), status=lazy(RECONCILER, "postgres_status"), uri=_uri,
                reconcile_logins=lazy(RECONCILER, "reconcile_postgres_logins")),
    # Each Alembic directory exists, is a script directory and has one head (alembic imported lazily).
    check_spec=lazy(f"{RECONCILER}.spec_checks", "check_alembic_scripts"),
)
