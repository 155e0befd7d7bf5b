"""Parity: for the ci environment, the containers the Docker engine created and the Pulumi resources the
program declares (under mocks, with the same spec and secrets) agree on images, commands, environment,
ports, mounts, delivered files (owner and mode), healthchecks and restart policy."""

from __future__ import annotations

import pytest

from tests.support.pulumi_mocks import MOCKS, stack_config  # first: mocks before infra is imported
from tests.support.parity import from_docker, from_pulumi, same_environment

pytestmark = [pytest.mark.integration, pytest.mark.docker]


def declared_for(env, prefix: str):
    import pulumi

    from infra.program import declare_environment

    cfg = stack_config(env.spec, secrets=env.secrets())
    made = {}

    @pulumi.runtime.test
    def declare():
        made.update(declare_environment(cfg, prefix=prefix))
        return pulumi.Output.all(*[c.urn for c in made.values()])

    declare()
    return [r for r in MOCKS.named(prefix) if r.type.endswith("container:Container")]


def test_docker_engine_and_pulumi_agree(ci_containers, docker_client):
    pulumi_side = from_pulumi(declared_for(ci_containers, "parity-live-ci"))
    docker_side = {c.name: from_docker(docker_client, c)
                   for c in docker_client.containers.list(filters={"label": "io.datastack.environment=ci"})}
    assert set(docker_side) == set(pulumi_side)
    for name in pulumi_side:
        assert same_environment(docker_side[name], pulumi_side[name]["env"]), f"{name}: environment differs"
        for field in ("image", "command", "ports", "mounts", "files", "healthcheck", "restart"):
            assert docker_side[name][field] == pulumi_side[name][field], f"{name}: {field} differs"
