"""What every component's `declare(ctx)` receives: the environment, its container plan and what was declared so far.

Each infra/components/<service>.py defines `declare(ctx: Declaring) -> None`: it adds its ComponentResource(s) to
`ctx.made` (by plan entry name) and its endpoints to `ctx.endpoints`, in the shape of the Docker engine's
endpoints.json. infra/program.py calls them in registry order, so a service may depend on what came before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pulumi
    import pulumi_docker as docker

    from datastack.plan.definitions import ContainerDefinition
    from datastack.plan.model import Plan

    from ..config import StackConfig


@dataclass
class Declaring:
    env: str  # resource name prefix
    cfg: "StackConfig"
    plan: "Plan"
    definitions: "dict[str, ContainerDefinition]"  # by plan entry (service) name
    network: "docker.Network"
    made: "dict[str, pulumi.Resource]" = field(default_factory=dict)
    endpoints: dict[str, Any] = field(default_factory=dict)

    def of_role(self, role: str) -> "list[ContainerDefinition]":
        return [d for d in self.definitions.values() if d.role == role]
