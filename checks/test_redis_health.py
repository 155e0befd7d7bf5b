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


def test_redis_runs_as_its_own_user(target, redis_ep, hosts):
    for svc in target.services("redis"):
        health.assert_runs_as_declared_user(hosts(redis_ep.testinfra_host), svc, target.up_fix)


def test_redis_listens_only_on_declared_ports(target, redis_ep, hosts):
    for svc in target.services("redis"):
        health.assert_listens_only_on_declared_ports(hosts(redis_ep.testinfra_host), svc, target.up_fix)


def test_redis_config_files_safe(target, redis_ep, hosts):
    for svc in target.services("redis"):
        health.assert_config_files_safe(hosts(redis_ep.testinfra_host), svc, target.up_fix)


def test_redis_ping(target, redis_ep, connections):
    assert connections.redis(reader_login(target)).ping() is True
