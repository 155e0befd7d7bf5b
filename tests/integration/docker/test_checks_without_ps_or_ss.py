"""The process, port and user checks against a container whose image has neither `ps` (procps) nor `ss` (iproute2),
as the official postgres and redis images: built from the offline base with both packages purged."""

from __future__ import annotations

import io
import uuid

import pytest

from checks.lib.docker_host import docker_host
from checks.lib.health import assert_listens_only_on_declared_ports, assert_runs_as_declared_user
from datastack.plan.model import Probe, ServicePlan
from datastack.programs import system_program

pytestmark = [pytest.mark.integration, pytest.mark.docker]

DOCKERFILE = """
FROM {base}
RUN dpkg --purge --force-depends procps iproute2 && ! command -v ps && ! command -v ss
USER redis
CMD ["redis-server", "--port", "6379", "--bind", "0.0.0.0", "--save", "", "--protected-mode", "no"]
"""


@pytest.fixture(scope="module")
def bare_redis(docker_client):
    from docker.errors import ImageNotFound

    from datastack.images.base import base_tag

    try:
        docker_client.images.get(base_tag())
    except ImageNotFound:
        pytest.skip(f"offline base {base_tag()} is not built; run 'datastack images build'")
    tag = f"datastack-test/no-ps-no-ss:{uuid.uuid4().hex[:8]}"
    docker_client.images.build(fileobj=io.BytesIO(DOCKERFILE.format(base=base_tag()).encode()), tag=tag, rm=True,
                               network_mode="none")
    container = docker_client.containers.run(tag, name=f"datastack-test-bare-{uuid.uuid4().hex[:8]}", detach=True)
    try:
        for _ in range(100):
            if container.exec_run(["redis-cli", "PING"]).output.strip() == b"PONG":
                break
            __import__("time").sleep(0.1)
        yield docker_host(f"docker://{container.name}", system_program("docker"))
    finally:
        container.remove(force=True)
        docker_client.images.remove(tag, force=True)


def redis_plan(run_as: str) -> ServicePlan:
    return ServicePlan(name="redis", role="redis", implementation="redis", command=[], run_as=run_as, ports=[6379],
                       readiness=Probe(kind="tcp", host="127.0.0.1", port=6379))


def test_the_image_really_lacks_ps_and_ss(bare_redis):
    assert bare_redis.run("command -v ps").rc != 0 and bare_redis.run("command -v ss").rc != 0


def test_user_and_port_checks_pass_from_proc(bare_redis):
    assert_runs_as_declared_user(bare_redis, redis_plan("redis"), "datastack up", in_container=True)
    assert_listens_only_on_declared_ports(bare_redis, redis_plan("redis"), "datastack up", in_container=True)


def test_and_still_fail_when_the_user_is_wrong(bare_redis):
    with pytest.raises(AssertionError, match="runs as redis, declared postgres"):
        assert_runs_as_declared_user(bare_redis, redis_plan("postgres"), "datastack up", in_container=True)
