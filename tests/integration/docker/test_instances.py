"""Instances in containers: a Redis cache and a Redis queue (and two PostgreSQL clusters) each get their own
container, network alias and volume; up, migrate and check pass with the Docker engine; down --purge removes all."""

from __future__ import annotations

import json

import pytest
import redis
import yaml

from tests.integration.test_instances import QUEUE_POLICY, cli_uri, instances_spec
from tests.support.environments import ThrowawayEnvironment, reachable_tmpdir

from .conftest import offline_images_or_skip

pytestmark = pytest.mark.integration
NAME = "instances-docker"
CONTAINERS = [f"datastack-{NAME}-{s}" for s in ("postgres", "postgres-reports", "redis", "redis-queue")]


@pytest.fixture(scope="module")
def env(docker_client):
    if docker_client.networks.list(names=[f"datastack-{NAME}"]):
        pytest.skip(f"a {NAME} environment is already up on this Docker daemon")
    root = reachable_tmpdir("datastack-instances-docker-")
    spec_path = root / "instances.yaml"
    spec_path.write_text(yaml.safe_dump({**instances_spec(root / "state"), "name": NAME, "images": "offline",
                                         "engine": "docker"}, sort_keys=False))
    environment = ThrowawayEnvironment(root=root, spec_path=spec_path)
    offline_images_or_skip(docker_client, spec_path)
    try:
        environment.cli("up", timeout=300)
        environment.cli("migrate")
        yield environment
    finally:
        environment.cli("down", "--purge", check=False)
        environment.destroy()


def test_each_instance_is_its_own_container_with_its_alias(env, docker_client):
    for name in CONTAINERS:
        container = docker_client.containers.get(name)
        assert container.status == "running"
        aliases = container.attrs["NetworkSettings"]["Networks"][f"datastack-{NAME}"]["Aliases"] or []
        assert name.removeprefix(f"datastack-{NAME}-") in aliases
    endpoints = env.endpoints()
    assert endpoints.redis.testinfra_host == f"docker://datastack-{NAME}-redis"
    assert endpoints.instance_view("redis-queue").redis.testinfra_host == f"docker://datastack-{NAME}-redis-queue"


def test_up_migrate_check_pass_in_containers(env):
    done = env.cli("check", check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    queue = redis.Redis.from_url(cli_uri(env, "redis-queue"), decode_responses=True)
    assert queue.config_get("maxmemory-policy")["maxmemory-policy"] == QUEUE_POLICY
    assert queue.acl_getuser("worker") is not None
    assert redis.Redis.from_url(cli_uri(env, "redis"), decode_responses=True).acl_getuser("worker") is None


def test_down_purge_removes_every_instances_container_and_volume(env, docker_client):
    env.cli("down", "--purge", timeout=300)
    names = {c.name for c in docker_client.containers.list(all=True)}
    assert not names & set(CONTAINERS)
    volumes = {v.name for v in docker_client.volumes.list()}
    assert not {f"{c}-data" for c in CONTAINERS} & volumes
    assert json.loads(env.cli("status", "--json", check=False).stdout)["all_running"] is False
