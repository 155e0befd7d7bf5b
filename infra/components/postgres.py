"""Postgres: one server; the image's initdb makes the superuser on first start (scram-sha-256). Login roles and
databases are the reconciler's (`datastack migrate --from-stack`), never a job's."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from datastack.plan.definitions import ContainerDefinition

from .base import ServiceComponent


@dataclass
class PostgresArgs:
    server: ContainerDefinition
    network: docker.Network


class Postgres(ServiceComponent):
    def __init__(self, name: str, args: PostgresArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("datastack:index:Postgres", name, opts)
        self.container = self.server(args.server, args.network)
        port = args.server.ports[0]
        self.endpoint = {"host": port.host_ip, "port": port.host_port, "testinfra_host": f"docker://{args.server.name}"}
        self.register_outputs({"endpoint": self.endpoint, "container": self.container.name, "container_id": self.container.id})


def declare(ctx, name: str = "postgres") -> None:
    """The server planned as `name`: postgres, or one of its instances (postgres-<suffix>); an external one only has an endpoint."""
    from roles.postgres.addresses import external_endpoint

    from .declare import declare_server

    declare_server(ctx, name, "postgres", Postgres, PostgresArgs, external_endpoint)
