"""Redis health: process, ports and files as planned; PING answers."""

from __future__ import annotations

import pytest

from checks.lib import health
from checks.lib.redis import reader_login


@pytest.fixture(scope="module")
def redis_ep(target):
    if target.spec.services.redis is None or target.endpoints.redis is None:
        pytest.skip("this environment declares no Redis")
    return target.endpoints.redis


test_redis_runs_as_its_own_user, test_redis_listens_only_on_declared_ports, test_redis_config_files_safe = \
    health.process_checks("redis", "redis")


def test_redis_ping(target, redis_ep, connections):
    answer = connections.redis(reader_login(target)).ping()
    assert answer is True, f"redis answered PING with {answer!r}"
