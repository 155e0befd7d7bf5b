"""Redis: one server, an ACL file with the default user off and one user per application."""

from __future__ import annotations

from datastack.services import Service, Store

from .plan import plan_redis


def _migrate(spec, endpoints, secrets, options):
    from roles.redis.reconcile import migrate_redis

    return [migrate_redis(spec, endpoints, secrets, options)]


def _status(spec, endpoints, secrets):
    from roles.redis.reconcile import redis_status

    return [redis_status(spec, endpoints, secrets)]


def _uri(spec, endpoints, secrets, user):
    from datastack.credentials import redis_login, redis_uri

    return redis_uri(endpoints, redis_login(spec, secrets, user))


SERVICE = Service(name="redis", plan=plan_redis, store=Store(migrate=_migrate, status=_status, uri=_uri,
                                                                   reconcile_logins=_migrate))
