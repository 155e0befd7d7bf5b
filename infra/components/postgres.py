"""Postgres: one server (initdb by the image on first start, scram-sha-256), then a one-shot psql job that
creates the login roles and the databases owned by their owner role."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from datastack.engines.docker.definition import ContainerDefinition
from datastack.engines.docker.jobs import JobDefinition

from .base import ServiceComponent
from .containers import job_container


@dataclass
class PostgresArgs:
    server: ContainerDefinition
    init_job: JobDefinition
    network: docker.Network


class Postgres(ServiceComponent):
    def __init__(self, name: str, args: PostgresArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("datastack:index:Postgres", name, opts)
        self.container = self.server(args.server, args.network)
        self.init = job_container(f"{name}-init", args.init_job, args.network, self.child([self.container]))
        port = args.server.ports[0]
        self.endpoint = {"host": port.host_ip, "port": port.host_port, "testinfra_host": f"docker://{args.server.name}"}
        self.register_outputs({"endpoint": self.endpoint, "container": self.container.name, "container_id": self.container.id})
