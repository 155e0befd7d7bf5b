"""The cache's plan entry: a redis-server whose ACL file starts with the administrator only."""

from __future__ import annotations

import hashlib

from datastack.plan.context import PlanContext
from datastack.plan.model import Probe, ServicePlan
from roles.redis.plan import AclLine

NAME = "cache"


def plan_cache(spec, ctx: PlanContext) -> list[ServicePlan]:
    cache = spec.services.cache
    layout = ctx.layout
    admin = AclLine(cache.admin.name, hashlib.sha256(ctx.secrets[cache.admin_secret_id].encode()).hexdigest(),
                    ["*"], ["*"], ["+@all"])
    # The Redis templates fit a second Redis as they are.
    # In the data directory: Redis rewrites it (ACL SAVE) after the first start.
    acl = ctx.file(NAME, "users.acl", "redis/users.acl.j2", secret=True, first_start_only=True,
                   directory=layout.data_dir(NAME), users=[admin])
    conf = ctx.file(NAME, "redis.conf", "redis/redis.conf.j2", bind=cache.bind, port=cache.port,
                    data_dir=str(layout.data_dir(NAME)), log_file=str(layout.log_file(NAME)), acl_file=acl.path,
                    protected_mode=True, databases=1, maxmemory="64mb", maxmemory_policy="allkeys-lru",
                    save_rules=[], aof=False)
    return [ServicePlan(
        name=NAME, role=NAME, implementation="redis-server",
        command=[ctx.toolchain.program("redis-server") or "redis-server", conf.path],
        files=[conf, acl], data_dir=str(layout.data_dir(NAME)), log_file=str(layout.log_file(NAME)),
        bind=cache.bind, ports=[cache.port], run_as=ctx.toolchain.user_for("redis"),
        readiness=Probe(kind="redis", host="127.0.0.1", port=cache.port),
        reconcile_logins=True,
    )]
