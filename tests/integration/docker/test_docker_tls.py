"""TLS on all three stores in containers (offline images): certificates name the containers' DNS aliases and
loopback, keys are 0600 and the image users'; the app and mongo-express verify the stores with the CA delivered
into their containers; up, migrate and check pass; uri works unchanged from this machine; plaintext is refused.

The same environment carries two instances (a Redis queue, a second PostgreSQL), TLS too: each is its own
container with its own alias, config and volume, and `down --purge` removes them all. One environment for both
keeps the suite's container bring-ups (the slow part of CI) to what they prove."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.integration.docker.conftest import containers_environment
from tests.integration.test_tls import STORES, assert_drivers_accept, assert_plaintext_refused, free_port

pytestmark = [pytest.mark.integration, pytest.mark.docker]

NAME = "ci-tls"  # its own network and containers: never the ci environment of other tests
QUEUE, REPORTS, QUEUE_POLICY = "redis-queue", "postgres-reports", "noeviction"
SERVERS = (*STORES, QUEUE, REPORTS)
CONTAINERS = [f"datastack-{NAME}-{s}" for s in SERVERS]


def with_tls(data: dict) -> None:
    data["name"] = NAME
    services = data["services"]
    for key, section in services.items():
        for item in section if isinstance(section, list) else [section]:
            if "port" in item:
                item["port"] = free_port(item.get("members", 1))  # MongoDB members take consecutive ports
    for store in STORES:
        services[store]["tls"] = {}
    services[QUEUE] = {"instance_of": "redis", "port": free_port(), "tls": {}, "maxmemory_policy": QUEUE_POLICY,
                       "users": [{"name": "worker", "keys": ["jobs:*"]}]}
    services[REPORTS] = {"instance_of": "postgres", "port": free_port(), "tls": {},
                         "databases": {"reports": {"users": [{"name": "analyst", "access": "readonly"}]}}}


@pytest.fixture(scope="module")
def tls_containers(docker_client):
    with containers_environment(docker_client, NAME, "ds-docker-tls-", with_tls) as env:
        yield env


def test_up_migrate_check_pass_and_the_containers_reach_the_stores_over_tls(tls_containers):
    env = tls_containers
    env.cli("migrate")
    report = env.root / "check.json"
    assert "all checks passed" in env.cli("check", "--json", str(report)).stdout
    tls_checks = [c for c in json.loads(report.read_text())["checks"] if c["category"] == "tls"]
    assert sorted(c["service"] for c in tls_checks) == sorted(SERVERS) and all(c["outcome"] == "passed" for c in tls_checks)
    with urllib.request.urlopen(f"{env.endpoints().apps['reference'].url}/health", timeout=10) as response:
        health = json.loads(response.read())
    assert health["status"] == "ok" and all(health["dependencies"][s]["up"] for s in STORES), health
    assert env.cli("up", "--engine", "docker").stdout.count("unchanged") == 5 + 2  # and both instances


def test_keys_in_containers_are_0600_and_the_image_users(tls_containers, docker_client):
    for store, key in (("mongodb", "tls-server.key"), ("postgres", "tls-server.key"), ("redis", "tls-server.key")):
        container = docker_client.containers.get(f"datastack-{NAME}-{store}")
        code, out = container.exec_run(["stat", "-c", "%a %U", f"/etc/datastack/{key}"])
        assert code == 0 and out.decode().split() == ["600", store], (store, out)


def test_uri_works_unchanged_from_this_machine_and_plaintext_is_refused(tls_containers):
    uris = [tls_containers.cli("uri", s).stdout.strip() for s in STORES]
    assert_drivers_accept(*uris)
    assert_plaintext_refused(*uris)


def test_each_instance_is_its_own_container_with_its_alias_and_config(tls_containers, docker_client):
    import redis

    env = tls_containers
    for name in CONTAINERS:
        container = docker_client.containers.get(name)
        assert container.status == "running", name
        aliases = container.attrs["NetworkSettings"]["Networks"][f"datastack-{NAME}"]["Aliases"] or []
        assert name.removeprefix(f"datastack-{NAME}-") in aliases, (name, aliases)
    endpoints = env.endpoints()
    assert endpoints.instance_view(QUEUE).redis.testinfra_host == f"docker://datastack-{NAME}-{QUEUE}"
    queue = redis.Redis.from_url(env.cli("uri", QUEUE).stdout.strip(), decode_responses=True)
    first = redis.Redis.from_url(env.cli("uri", "redis").stdout.strip(), decode_responses=True)
    try:
        assert queue.config_get("maxmemory-policy")["maxmemory-policy"] == QUEUE_POLICY
        assert "worker" in queue.acl_users() and "worker" not in first.acl_users()
    finally:
        queue.close()
        first.close()


def test_down_purge_removes_every_container_and_volume_instances_included(tls_containers, docker_client):
    """Last in the module: the fixture's own `down --purge` then finds nothing left."""
    tls_containers.cli("down", "--engine", "docker", "--purge", timeout=300)
    names = {c.name for c in docker_client.containers.list(all=True)}
    assert not names & set(CONTAINERS), names & set(CONTAINERS)
    volumes = {v.name for v in docker_client.volumes.list()}
    assert not {f"{c}-data" for c in CONTAINERS} & volumes
