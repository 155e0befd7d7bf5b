"""App: an application container wired with the least-privileged credentials its spec entry `uses`."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from datastack.plan.definitions import ContainerDefinition

from .base import WebServiceComponent


@dataclass
class AppArgs:
    server: ContainerDefinition
    network: docker.Network
    after: list[pulumi.Resource]  # its stores, users created


class App(WebServiceComponent):
    def __init__(self, name: str, args: AppArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("datastack:index:App", name, args.server, args.network, args.after, opts)


def declare(ctx) -> None:
    """One App per app, started after the stores it may use."""
    stores = [*([ctx.made["mongodb"].ready] if "mongodb" in ctx.made else []),
              *[ctx.made[s].container for s in ("postgres", "redis") if s in ctx.made]]
    for d in ctx.of_role("app"):
        app = App(f"{ctx.env}-{d.service}", AppArgs(server=d, network=ctx.network, after=stores))
        ctx.made[d.service] = app
        ctx.endpoints["apps"][d.service.removeprefix("app-")] = {"url": app.url, "testinfra_host": f"docker://{d.name}"}
