"""Last against the shared ci containers: `down --purge` removes containers, network and volumes."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.docker]


def test_purge_removes_containers_network_and_volumes(ci_containers, docker_client):
    ci_containers.cli("down", "--engine", "docker", "--purge")
    assert not docker_client.containers.list(all=True, filters={"label": "io.datastack.environment=ci"})
    assert not docker_client.networks.list(names=["datastack-ci"])
    assert not [v.name for v in docker_client.volumes.list() if v.name.startswith("datastack-ci-")]
