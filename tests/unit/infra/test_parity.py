"""Parity without a daemon, for every stack: the docker SDK calls the Docker engine makes and the Pulumi
resources agree (the live version, against real containers, is tests/integration/docker/test_parity.py)."""

from __future__ import annotations

import io
import tarfile

import pytest

from datastack.plan.definitions import container_definitions
from datastack.engines.docker.files import files_archive
from datastack.engines.docker.runtime import create_container
from datastack.plan import build_plan, state_dir_for
from datastack.plan.toolchain import Toolchain
from tests.support.parity import from_pulumi

from .conftest import STACKS


class RecordingDockerClient:
    """Just enough of docker.DockerClient to record what create_container asks for."""

    def __init__(self):
        self.created: dict[str, dict] = {}
        client = self

        class Api:
            def create_endpoint_config(self, **kwargs):
                return kwargs

        class Containers:
            def create(self, **kwargs):
                client.created[kwargs["name"]] = kwargs

        self.api, self.containers = Api(), Containers()


def engine_side(spec, secrets) -> dict[str, dict]:
    plan = build_plan(spec, Toolchain(python="python3"), secrets, state_dir_for(spec), target="container")
    client = RecordingDockerClient()
    out = {}
    for d in container_definitions(spec, plan):
        create_container(client, d, "net")
        k = client.created[d.name]
        with tarfile.open(fileobj=io.BytesIO(files_archive(d.files))) as tar:
            files = sorted((f"/{m.name}", m.mode, m.uid, m.gid) for m in tar.getmembers() if m.isfile())
        out[d.name] = {
            "image": k["image"],
            "command": list(k["command"] or []),
            "env": k["environment"],
            "ports": sorted((ip, host, int(inner.split("/")[0])) for inner, (ip, host) in k["ports"].items()),
            "mounts": sorted((name, v["bind"]) for name, v in (k["volumes"] or {}).items()),
            "files": files,
            "healthcheck": k["healthcheck"]["test"],
            "restart": k["restart_policy"]["Name"],
            "init": k["init"],
        }
    return out


@pytest.mark.parametrize("stack", STACKS)
def test_engine_calls_and_pulumi_resources_agree(stacks, stack):
    declared = stacks[stack]
    assert engine_side(declared.spec, declared.secrets) == from_pulumi(declared.containers)
