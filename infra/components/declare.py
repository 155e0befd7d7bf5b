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
    docker_host: str = "unix:///var/run/docker.sock"  # where the environment's containers run (member 0's host)
    made: "dict[str, pulumi.Resource]" = field(default_factory=dict)
    endpoints: dict[str, Any] = field(default_factory=dict)
    # The step that runs the stores' reconcilers (users, schema, ACLs); declared after the stores, before the rest.
    reconcile: "pulumi.Resource | None" = None
    stores: "list[pulumi.Resource]" = field(default_factory=list)  # each store at the point it serves (stores_ready)

    def stores_ready(self) -> "list[pulumi.Resource]":
        """What the reconcile step waits for: each component declared so far, at the point it serves (`ready`,
        e.g. a replica set once its first start ran, else its container)."""
        return [getattr(r, "ready", None) or r.container for r in self.made.values()]

    def after_reconcile(self) -> "list[pulumi.Resource]":
        return [self.reconcile] if self.reconcile is not None else []

    def add_endpoint(self, name: str, field: str, endpoint: Any) -> None:
        """A server's endpoint under its service's field; an instance's in its own Endpoints under `instances`."""
        if name == field:
            self.endpoints[field] = endpoint
        else:
            own = {"environment": self.endpoints["environment"], "engine": self.endpoints["engine"], field: endpoint}
            self.endpoints.setdefault("instances", {})[name] = own

    def of_role(self, role: str) -> "list[ContainerDefinition]":
        return [d for d in self.definitions.values() if d.role == role]


def declare_server(ctx: Declaring, name: str, service: str, component, args, external_endpoint) -> None:
    """A store server planned as `name` (the service or one of its instances): its `component` built from the plan's
    definition, or, for an external one, only its endpoint (nothing to create)."""
    section = ctx.cfg.spec.services.sections()[name]
    if section.external is not None:
        ctx.add_endpoint(name, service, external_endpoint(section).model_dump())
    elif name in ctx.definitions:
        ctx.made[name] = component(f"{ctx.env}-{name}", args(server=ctx.definitions[name], network=ctx.network))
        ctx.add_endpoint(name, service, ctx.made[name].endpoint)
