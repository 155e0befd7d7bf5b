"""Fixtures for live image tests: a Docker client (or a clean skip), the built images, and containers
that publish only on 127.0.0.1 random ports and are removed afterwards."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest

from datastack.errors import UserError


@pytest.fixture(scope="session")
def docker_client():
    from datastack.images.docker_client import connect_docker

    try:
        client = connect_docker()
    except UserError as exc:
        pytest.skip(f"no Docker daemon answers: {exc.one_line()}")
    yield client
    client.close()


@pytest.fixture(scope="session")
def images(docker_client) -> dict[str, str]:
    """name -> tag of every offline image, built or reused (first run on a machine: ~3 minutes)."""
    from datastack.images.build import build_images

    _, built = build_images(docker_client, progress=print)
    return {image.name: image.tag for image in built}


@pytest.fixture()
def network(docker_client):
    """A private bridge network for containers that talk to each other by alias."""
    net = docker_client.networks.create(f"ds-imgtest-{uuid.uuid4().hex[:8]}", driver="bridge")
    yield net.name
    net.remove()


@pytest.fixture()
def run_container(docker_client):
    """Start a container with its ports published on 127.0.0.1 (random host ports); removed at teardown."""
    started = []

    def run(image: str, ports: list[int], **kwargs):
        container = docker_client.containers.run(
            image, detach=True, name=f"ds-imgtest-{uuid.uuid4().hex[:8]}",
            ports={f"{port}/tcp": ("127.0.0.1", None) for port in ports}, **kwargs)
        started.append(container)
        container.reload()
        return container

    yield run
    for container in started:
        container.remove(force=True, v=True)


def host_port(container, port: int) -> int:
    return int(container.ports[f"{port}/tcp"][0]["HostPort"])


def wait_for(check: Callable[[], object], *, container, what: str, timeout_s: float = 60.0):
    """Poll `check` until it returns without raising; on timeout fail with the last error and container logs."""
    deadline, last = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        try:
            return check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not yet"
            last = exc
        container.reload()
        if container.status == "exited":
            break
        time.sleep(0.3)
    logs = container.logs(tail=15).decode(errors="replace")
    pytest.fail(f"{what} not ready after {timeout_s:.0f} s (status {container.status}): {last!r}\n--- logs ---\n{logs}")


def process_user(container, process: str) -> str:
    """The user running `process` inside the container, read with the image's own `ps` (testinfra needs it)."""
    code, output = container.exec_run(["ps", "-o", "user=", "-C", process])
    assert code == 0, f"ps failed in {container.name}: {output!r}"
    return output.decode().split()[0]


def listening_ports(container) -> str:
    code, output = container.exec_run(["ss", "-ltnH"])
    assert code == 0, f"ss failed in {container.name}: {output!r}"
    return output.decode()
