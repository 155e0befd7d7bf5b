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
