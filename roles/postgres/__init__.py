"""PostgreSQL: one cluster, scram-sha-256 only, databases with owner/app/readonly roles."""

from __future__ import annotations

from datastack.services import Service, Store

from .plan import plan_postgres


def _migrate(spec, endpoints, secrets, options):
    from roles.postgres.reconcile import migrate_postgres

    return migrate_postgres(spec, endpoints, secrets, options)


def _status(spec, endpoints, secrets):
    from roles.postgres.reconcile import postgres_status

    return postgres_status(spec, endpoints, secrets)


def _reconcile_logins(spec, endpoints, secrets, options):
    from roles.postgres.reconcile import reconcile_postgres_logins

    return reconcile_postgres_logins(spec, endpoints, secrets, options)


def _uri(spec, endpoints, secrets, user):
    from datastack.credentials import postgres_login, postgres_uri

    return postgres_uri(endpoints, postgres_login(spec, secrets, user))


SERVICE = Service(name="postgres", plan=plan_postgres, store=Store(migrate=_migrate, status=_status, uri=_uri,
                                                                         reconcile_logins=_reconcile_logins))
