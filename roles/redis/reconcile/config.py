"""Redis runtime config from the spec: memory limit and policy, RDB save rules, AOF, logical databases.

The spine renders the same values into redis.conf, so a restart keeps them; here CONFIG SET
repairs a running server. `databases` cannot change at runtime: a difference is drift.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roles.redis.spec import RedisSpec, memory_bytes
from datastack.migrate.report import Change

if TYPE_CHECKING:
    import redis

IMMUTABLE = ("databases",)


def desired_config(spec: RedisSpec) -> dict[str, str]:
    """Values as CONFIG GET answers them (bytes, space-separated save rules, yes/no)."""
    return {
        "maxmemory": str(memory_bytes(spec.maxmemory)),
        "maxmemory-policy": spec.maxmemory_policy,
        "save": " ".join(f"{seconds} {changes}" for seconds, changes in spec.persistence.rdb),
        "appendonly": "yes" if spec.persistence.aof else "no",
        "databases": str(spec.databases),
    }


def config_changes(client: "redis.Redis", spec: RedisSpec) -> tuple[list[Change], dict[str, str], list[str]]:
    """(changes, values to CONFIG SET, drift that needs a restart)."""
    changes, to_set, drift = [], {}, []
    for key, want in desired_config(spec).items():
        live = client.config_get(key).get(key)
        if live == want:
            continue
        if key in IMMUTABLE:
            drift.append(f"config {key}: live {live}, spec {want} (needs a restart: datastack down && datastack up)")
            continue
        changes.append(Change(store="redis", target=f"config {key}", action="config_set", detail=f"{live!r} -> {want!r}"))
        to_set[key] = want
    return changes, to_set, drift
