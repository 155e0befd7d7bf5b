"""Every stack declared once under the mocks (their resource names are global), shared by this package's tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.pulumi_mocks import Declared, declare_config, stack_config  # first: installs the mocks before infra

STACKS = ("dev", "ci", "staging", "prod")


@dataclass
class DeclaredStack:
    components: dict
    resources: list[Declared]
    spec: object
    secrets: dict[str, str]

    def of_type(self, suffix: str) -> list[Declared]:
        return [r for r in self.resources if r.type.endswith(suffix)]

    @property
    def containers(self) -> list[Declared]:
        return self.of_type("container:Container")

    def container(self, docker_name: str) -> Declared:
        return next(r for r in self.containers if r.inputs["name"] == docker_name)


def declare_stack(stack: str, prefix: str) -> DeclaredStack:
    from datastack.spec import load_environment

    spec, _ = load_environment(stack, None)
    cfg = stack_config(spec)
    made, resources = declare_config(cfg, prefix)
    return DeclaredStack(made, resources, spec, cfg.secrets)


@pytest.fixture(scope="session")
def stacks() -> dict[str, DeclaredStack]:
    return {stack: declare_stack(stack, f"unit-{stack}") for stack in STACKS}
