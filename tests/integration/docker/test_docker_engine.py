"""The Docker engine for real, against the offline images: up, idempotent up, one-service change, a killed
container, down keeps volumes, purge removes them."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
import yaml

pytestmark = [pytest.mark.integration, pytest.mark.docker]


def ids(client) -> dict[str, str]:
    return {c.name: c.id for c in client.containers.list(filters={"label": "io.datastack.environment=ci"})}


def test_up_runs_every_service_healthy_and_the_app_reaches_its_stores(ci_containers, docker_client):
    status = json.loads(ci_containers.cli("status", "--engine", "docker", "--json").stdout)
    assert {s["name"]: s["state"] for s in status["services"]} == dict.fromkeys(
        ["mongodb", "postgres", "redis", "mongo_express", "app-reference"], "running")
    app_url = ci_containers.endpoints().apps["reference"].url
    with urllib.request.urlopen(f"{app_url}/health", timeout=10) as response:
        health = json.loads(response.read())
    assert health["status"] == "ok", health
    assert ci_containers.endpoints().postgres.testinfra_host.startswith("docker://datastack-ci-")


def test_second_up_leaves_every_container_untouched(ci_containers, docker_client):
    before = ids(docker_client)
    out = ci_containers.cli("up", "--engine", "docker").stdout
    assert ids(docker_client) == before
    assert out.count("unchanged") == 5


def test_config_change_recreates_only_that_container(ci_containers, docker_client):
    before = ids(docker_client)
    data = yaml.safe_load(ci_containers.spec_path.read_text())
    data["services"]["redis"]["maxmemory"] = "128mb"
    ci_containers.spec_path.write_text(yaml.safe_dump(data, sort_keys=False))
    out = ci_containers.cli("up", "--engine", "docker").stdout
    after = ids(docker_client)
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed == {"datastack-ci-redis"}, out
    assert "restarted" in out


def test_killed_container_is_detected_and_replaced(ci_containers, docker_client):
    docker_client.containers.get("datastack-ci-postgres").kill()
    status = ci_containers.cli("status", "--engine", "docker", "--json", check=False)
    states = {s["name"]: s["state"] for s in json.loads(status.stdout)["services"]}
    assert states["postgres"] == "dead"
    assert status.returncode == 1  # scripts can rely on the exit code, not only the JSON
    ci_containers.cli("up", "--engine", "docker")
    assert docker_client.containers.get("datastack-ci-postgres").status == "running"
    # Data survived on the volume: the app user still logs in.
    import psycopg

    psycopg.connect(ci_containers.uri("postgres", "algo_trading_app")).close()


def test_rotating_every_secret_is_a_migrate(ci_containers, docker_client):
    """Every secret, the administrators' included: migrate applies it; the old ones are refused; the next `up`
    recreates only the containers that carry a password at run time (the app's URIs, mongo-express' login)."""
    import secrets as token_source

    import redis

    from tests.integration.test_rotation import LOGINS, logs_in

    ci_containers.cli("migrate")
    old_uris = {(store, user): ci_containers.uri(store, user) for store, user in LOGINS}
    assert all(logs_in(store, uri) for (store, _), uri in old_uris.items())
    before = ids(docker_client)
    path = ci_containers.session.state_dir / "secrets.json"
    path.write_text(json.dumps({key: token_source.token_hex(24) for key in json.loads(path.read_text())}))
    rotated = ci_containers.cli("migrate")
    assert "not saved" not in rotated.stdout + rotated.stderr, rotated.stdout
    for (store, user), old in old_uris.items():
        assert logs_in(store, ci_containers.uri(store, user)), f"{store} {user or 'admin'}: new password refused"
        assert not logs_in(store, old), f"{store} {user or 'admin'}: old password still works"
    # Saved, not only live: a restarted Redis reads the rotated users back from its ACL file (ACL SAVE worked).
    docker_client.containers.get("datastack-ci-redis").restart(timeout=30)
    redis_logins = [(store, user) for store, user in LOGINS if store == "redis"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if logs_in("redis", ci_containers.uri("redis", None)):
                break
        except redis.ConnectionError:  # still starting
            pass
        time.sleep(0.5)
    for store, user in redis_logins:
        assert logs_in(store, ci_containers.uri(store, user)), f"redis {user or 'admin'}: rotated password lost on restart"
        assert not logs_in(store, old_uris[(store, user)]), f"redis {user or 'admin'}: old password back after restart"
    out = ci_containers.cli("up", "--engine", "docker").stdout
    after = ids(docker_client)
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed == {"datastack-ci-app-reference", "datastack-ci-mongo-express"}, out


def test_down_keeps_volumes_and_purge_removes_them(ci_containers, docker_client):
    # Every server stops on SIGTERM: none waits out a grace period to be SIGKILLed (exit 137), as the app and
    # mongo-express did as PID 1 before containers got an init.
    killed = {}
    for name in sorted(ids(docker_client), key=lambda n: not (n.endswith("app-reference") or "express" in n)):
        container = docker_client.containers.get(name)
        container.stop(timeout=15)
        container.reload()
        if container.attrs["State"]["ExitCode"] == 137:
            killed[name] = "SIGKILLed after the grace period"
    assert not killed, killed
    ci_containers.cli("down", "--engine", "docker")
    assert not ids(docker_client)
    volumes = {v.name for v in docker_client.volumes.list(filters={"name": "datastack-ci-"})}
    assert {"datastack-ci-postgres-data", "datastack-ci-mongodb-data", "datastack-ci-redis-data"} <= volumes
    ci_containers.cli("up", "--engine", "docker")  # back up on the kept data for the tests after this one
    import pymongo

    client = pymongo.MongoClient(ci_containers.uri("mongodb", "bot_core_app"))
    try:
        client.bot_core.command("ping")
    finally:
        client.close()
