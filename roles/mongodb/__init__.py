"""MongoDB: a replica set of `mongod` members, or the single-node SecantusDB stand-in where mongod is absent."""

from __future__ import annotations

from datastack.services import Service, Store

from .container_job import mongo_first_start_job
from .first_start import run_first_start
from .plan import plan_mongodb


def _migrate(spec, endpoints, secrets, options):
    from roles.mongodb.reconcile import migrate_mongodb

    return migrate_mongodb(spec, endpoints, secrets, options)


def _status(spec, endpoints, secrets):
    from roles.mongodb.reconcile import mongodb_status

    return mongodb_status(spec, endpoints, secrets)


def _reconcile_logins(spec, endpoints, secrets, options):
    from roles.mongodb.reconcile import reconcile_mongodb_logins

    return reconcile_mongodb_logins(spec, endpoints, secrets, options)


def _uri(spec, endpoints, secrets, user):
    from datastack.credentials import mongo_login, mongo_uri

    return mongo_uri(endpoints, mongo_login(spec, secrets, user))


SERVICE = Service(
    name="mongodb",
    plan=plan_mongodb,
    store=Store(migrate=_migrate, status=_status, uri=_uri, reconcile_logins=_reconcile_logins),
    first_start=run_first_start,
    first_start_job=mongo_first_start_job,
)
