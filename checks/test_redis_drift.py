"""Redis configuration as declared: memory limit and policy, persistence (RDB save rules, AOF)."""

from __future__ import annotations

import pytest

from checks.lib.redis import reader_login


@pytest.fixture(scope="module")
def redis_spec(target):
    if target.spec.services.redis is None:
        pytest.skip("this environment declares no Redis")
    return target.spec.services.redis


def test_memory_and_aof_match_spec(target, connections, redis_spec):
    from roles.redis.spec import memory_bytes

    info = connections.redis(reader_login(target)).info()  # INFO: allowed to monitoring users, no CONFIG needed
    problems = []
    if int(info["maxmemory"]) != memory_bytes(redis_spec.maxmemory):
        problems.append(f"maxmemory {info['maxmemory']} != declared {memory_bytes(redis_spec.maxmemory)} ({redis_spec.maxmemory})")
    if info["maxmemory_policy"] != redis_spec.maxmemory_policy:
        problems.append(f"maxmemory-policy {info['maxmemory_policy']} != declared {redis_spec.maxmemory_policy}")
    aof = bool(int(info["aof_enabled"]))
    if aof != redis_spec.persistence.aof:
        problems.append(f"appendonly {'yes' if aof else 'no'} != declared {'yes' if redis_spec.persistence.aof else 'no'}")
    assert not problems, f"redis: {'; '.join(problems)} — fix: {target.fix}"


def test_rdb_save_rules_match_spec(target, connections, redis_spec):
    target.require_admin("CONFIG GET save")
    live = connections.redis(target.redis()).config_get("save").get("save", "")
    declared = " ".join(f"{s} {c}" for s, c in redis_spec.persistence.rdb)
    assert live == declared, f"redis: save '{live}' != declared '{declared}' — fix: {target.fix}"
