"""--from-stack: migrate, check and uri take their endpoints from `pulumi stack output --json`."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.integration


def stack_file(local_env, tmp_path, mutate=None):
    endpoints = json.loads((local_env.session.state_dir / "endpoints.json").read_text())
    for key in ("environment", "engine"):
        endpoints.pop(key)
    if mutate:
        mutate(endpoints)
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"endpoints": endpoints, "network": "datastack-local"}))
    return str(path)


def test_check_and_migrate_status_use_the_stack_endpoints(local_env, tmp_path):
    good = stack_file(local_env, tmp_path)
    assert local_env.cli("check", "-k", "ping", "--from-stack", good).returncode == 0
    status = json.loads(local_env.cli("migrate", "status", "--json", "--from-stack", good).stdout)
    assert {store["store"] for store in status["stores"]} == {"mongodb", "postgres", "redis"}

    def wrong_redis_port(endpoints):
        endpoints["redis"]["port"] = 1  # nothing listens there: proves the file, not endpoints.json, is used

    bad_port = stack_file(local_env, tmp_path, wrong_redis_port)
    uri = local_env.cli("uri", "redis", "--from-stack", bad_port).stdout.strip()
    assert uri.endswith(":1/0")
    done = local_env.cli("check", "-k", "redis and ping", "--from-stack", bad_port, check=False)
    assert done.returncode == 1


def test_a_file_without_endpoints_is_bad_usage(local_env, tmp_path):
    path = tmp_path / "outputs.json"
    path.write_text('{"network": "x"}')
    done = local_env.cli("check", "--from-stack", str(path), check=False)
    assert done.returncode == 2 and "no 'endpoints' object" in done.stderr
