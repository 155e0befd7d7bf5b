"""Redis: one server, an ACL file with the default user off and one user per application."""

from __future__ import annotations

from datastack.programs import system_program
from datastack.services import Service, Store, lazy

from .addresses import redis_address
from .checks_spec import RedisBudgets
from .container import BASE_PACKAGES, CONTAINER, IMAGE_RECIPES
from .escaping import TEMPLATE_FILTERS
from .plan import plan_redis
from .spec import RedisSpec

RECONCILER = "roles.redis.reconcile"


def _uri(spec, endpoints, secrets, user):
    from roles.redis.login import redis_login, redis_uri

    return redis_uri(endpoints, redis_login(spec, secrets, user))


# Redis' reconciler is its ACL users and runtime config: after a start the engine runs all of it.
SERVICE = Service(
    name="redis",
    spec_model=RedisSpec,
    latency_budgets=RedisBudgets,
    address=redis_address,
    find_programs=lambda spec: {"redis-server": system_program("redis-server")},
    system_user="redis",
    container=CONTAINER,
    design=lazy("roles.redis.design", "redis_design"),
    template_filters=TEMPLATE_FILTERS,
    image_recipes=IMAGE_RECIPES,
    base_packages=BASE_PACKAGES,
    instances=True,
    check_secrets=lazy("roles.redis.login", "check_external_uri"),
    plan=plan_redis,
    ready=lazy("roles.redis.probe", "redis_answers"),
    store=Store(snapshot=lazy("roles.redis.diff", "redis_snapshot"), compare=lazy("roles.redis.diff", "compare_redis"),
                migrate=lazy(RECONCILER, "migrate_redis", one_report=True), status=lazy(RECONCILER, "redis_status", one_report=True),
                uri=_uri, reconcile_logins=lazy(RECONCILER, "migrate_redis", one_report=True)),
    plan_design=lazy("roles.redis.plan_design", "redis_plan_design"),
)
