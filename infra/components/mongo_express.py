"""MongoExpress: the MongoDB web admin, behind basic auth, published on loopback (never declared in prod)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from datastack.plan.definitions import ContainerDefinition

from .base import WebServiceComponent


@dataclass
class MongoExpressArgs:
    server: ContainerDefinition
    network: docker.Network
    after: list[pulumi.Resource]  # MongoDB's users must exist before it logs in


class MongoExpress(WebServiceComponent):
    def __init__(self, name: str, args: MongoExpressArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("datastack:index:MongoExpress", name, args.server, args.network, args.after, opts)


def declare(ctx) -> None:
    """Started once MongoDB is ready (its users exist only after the first start)."""
    if "mongo_express" not in ctx.definitions:
        return
    server = ctx.definitions["mongo_express"]
    mongo_ready = [ctx.made["mongodb"].ready] if "mongodb" in ctx.made else []
    ctx.made["mongo_express"] = MongoExpress(f"{ctx.env}-mongo-express", MongoExpressArgs(
        server=server, network=ctx.network, after=mongo_ready))
    ctx.endpoints["mongo_express"] = {"url": ctx.made["mongo_express"].url, "testinfra_host": f"docker://{server.name}"}
