"""A throwaway `ci` environment in containers (offline images, free ports), or a skip with the reason."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.support.environments import create_environment


def docker_client_or_skip():
    try:
        import docker

        client = docker.from_env(timeout=30)
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any failure means: no daemon to test against
        pytest.skip(f"no Docker daemon answers ({str(exc).splitlines()[0][:80]}); run scripts/install-docker.sh")
    return client


def offline_images_or_skip(client, spec_path) -> None:
    from docker.errors import ImageNotFound

    from datastack.session import Session

    session = Session.open(None, spec_path)
    plan = session.display_plan("container")
    for svc in plan.services:
        try:
            client.images.get(svc.image)
        except ImageNotFound:
            pytest.skip(f"offline image {svc.image} is not built; run 'datastack images build'")


@pytest.fixture(scope="session")
def docker_client():
    return docker_client_or_skip()


@contextmanager
def containers_environment(docker_client, name: str, prefix: str, mutate=None):
    """The ci spec (as `name`) brought up with the Docker engine; purged at the end, even after a failure."""
    if docker_client.networks.list(names=[f"datastack-{name}"]):
        pytest.skip(f"a {name} environment is already up on this Docker daemon (datastack down --env {name} first)")
    env = create_environment(prefix, base="ci", mutate=mutate, up=False)
    offline_images_or_skip(docker_client, env.spec_path)
    try:
        env.cli("up", "--engine", "docker", timeout=300)
        yield env
    finally:
        env.cli("down", "--engine", "docker", "--purge", check=False)
        env.destroy()


@pytest.fixture(scope="session")
def ci_containers(docker_client):
    """The ci spec on free ports, brought up with the Docker engine; purged at the end."""
    with containers_environment(docker_client, "ci", "datastack-docker-test-") as env:
        yield env
