"""MongoExpress: the MongoDB web admin, behind basic auth, published on loopback (never declared in prod)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from datastack.engines.docker.definition import ContainerDefinition

from .base import ServiceComponent


@dataclass
class MongoExpressArgs:
    server: ContainerDefinition
    network: docker.Network
    after: list[pulumi.Resource]  # MongoDB's users must exist before it logs in


class MongoExpress(ServiceComponent):
    def __init__(self, name: str, args: MongoExpressArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("datastack:index:MongoExpress", name, opts)
        self.container = self.server(args.server, args.network, depends_on=args.after)
        port = args.server.ports[0]
        self.url = f"http://{port.host_ip}:{port.host_port}"
        self.register_outputs({"url": self.url, "container": self.container.name, "container_id": self.container.id})
