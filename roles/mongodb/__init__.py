"""MongoDB: a replica set of `mongod` members, or the single-node SecantusDB stand-in where mongod is absent."""

from __future__ import annotations

from datastack.services import Service, Store

from .plan import plan_mongodb


def _migrate(spec, endpoints, secrets, options):
    from datastack.migrate.mongodb import migrate_mongodb

    return migrate_mongodb(spec, endpoints, secrets, options)


def _status(spec, endpoints, secrets):
    from datastack.migrate.mongodb import mongodb_status

    return mongodb_status(spec, endpoints, secrets)


def _uri(spec, endpoints, secrets, user):
    from datastack.credentials import mongo_login, mongo_uri

    return mongo_uri(endpoints, mongo_login(spec, secrets, user))


SERVICE = Service(name="mongodb", plan=plan_mongodb, store=Store(migrate=_migrate, status=_status, uri=_uri))
