"""Redis: one server, an ACL file with the default user off and one user per application."""

from __future__ import annotations

from datastack.services import Service, Store, lazy

from .plan import plan_redis

RECONCILER = "roles.redis.reconcile"


def _uri(spec, endpoints, secrets, user):
    from datastack.credentials import redis_login, redis_uri

    return redis_uri(endpoints, redis_login(spec, secrets, user))


# Redis' reconciler is its ACL users and runtime config: after a start the engine runs all of it.
SERVICE = Service(
    name="redis",
    plan=plan_redis,
    store=Store(migrate=lazy(RECONCILER, "migrate_redis", one_report=True), status=lazy(RECONCILER, "redis_status", one_report=True),
                uri=_uri, reconcile_logins=lazy(RECONCILER, "migrate_redis", one_report=True)),
    design=lazy("roles.redis.design", "redis_design"),
)
