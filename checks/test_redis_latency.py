"""Redis latency budgets: PING, GET and SET of a scratch key inside the user's own key patterns."""

from __future__ import annotations

import pytest

from checks.lib.latency import run_probe
from checks.lib.redis import reader_login, scratch_key


@pytest.fixture(scope="module")
def redis_spec(target):
    if target.spec.services.redis is None:
        pytest.skip("this environment declares no Redis")
    return target.spec.services.redis


def _user(target, redis_spec, access: str):
    return next((u for u in redis_spec.users if u.access == access), None)


def test_redis_ping_latency(request, target, connections, redis_spec):
    client = connections.redis(reader_login(target))
    run_probe(request, target, "redis", "ping", "redis PING", client.ping)


def test_redis_get_latency(request, target, connections, redis_spec):
    user = _user(target, redis_spec, "readonly" if target.read_only else "app")
    login = target.redis(user.name) if user else reader_login(target)
    key = scratch_key(user.keys if user else ["*"])
    client = connections.redis(login)
    run_probe(request, target, "redis", "get", f"redis GET {key} as {login.user}", lambda: client.get(key))


def test_redis_set_latency(request, target, connections, redis_spec):
    target.require_writes("the SET probe")
    user = _user(target, redis_spec, "app")
    login = target.redis(user.name) if user else target.redis()
    key = scratch_key(user.keys if user else ["*"])
    client = connections.redis(login)
    try:
        run_probe(request, target, "redis", "set", f"redis SET {key} as {login.user}", lambda: client.set(key, "probe", ex=60))
    finally:
        client.delete(key)
