"""Redis: one server with its ACL file (default user off, one user per application)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from datastack.plan.definitions import ContainerDefinition

from .base import ServiceComponent


@dataclass
class RedisArgs:
    server: ContainerDefinition
    network: docker.Network


class Redis(ServiceComponent):
    def __init__(self, name: str, args: RedisArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("datastack:index:Redis", name, opts)
        self.container = self.server(args.server, args.network)
        port = args.server.ports[0]
        self.endpoint = {"host": port.host_ip, "port": port.host_port, "testinfra_host": f"docker://{args.server.name}"}
        self.register_outputs({"endpoint": self.endpoint, "container": self.container.name, "container_id": self.container.id})


def declare(ctx, name: str = "redis") -> None:
    """The server planned as `name`: redis, or one of its instances (redis-<suffix>); an external one only has an endpoint."""
    from roles.redis.addresses import external_endpoint

    from .declare import declare_server

    declare_server(ctx, name, "redis", Redis, RedisArgs, external_endpoint)
