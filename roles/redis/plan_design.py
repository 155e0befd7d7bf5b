"""What `datastack plan` shows of the Redis design: each ACL user's rules, never a password or its hash."""

from __future__ import annotations

from typing import Any

from datastack.spec import EnvironmentSpec


def redis_plan_design(spec: EnvironmentSpec) -> dict[str, Any]:
    from .reconcile.acl import desired_users

    redis = spec.services.redis
    # The rules do not depend on the passwords: any placeholder builds them, and none is shown.
    placeholders = {secret_id: "" for secret_id, _ in redis.secret_refs()}
    return {"acl": [f"user {u.name} " + " ".join(u.setuser_args(with_password=False))
                    for u in desired_users(redis, placeholders)],
            "maxmemory": redis.maxmemory, "maxmemory_policy": redis.maxmemory_policy}
