"""MongoReplicaSet: N mongod members with --replSet and a shared keyFile (0400, owned by mongodb), then the first
start — initiate the set (member 0 preferred), await a PRIMARY, create the administrator — run as `docker exec`
into member 0 (roles/mongodb/container_job.py). With the offline images it is the single-node stand-in, whose
image makes its administrator itself: no first start. Database users are the reconciler's (the Reconcile step)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_docker as docker

from datastack.plan.definitions import ContainerDefinition
from roles.mongodb.container_job import FirstStartExec

from .base import ServiceComponent, published
from .commands import DEFAULT_DOCKER_HOST, docker_exec


@dataclass
class MongoReplicaSetArgs:
    members: list[ContainerDefinition]
    first_start: FirstStartExec | None  # None: the image makes its administrator itself
    network: docker.Network
    replica_set: str | None  # None: a single node (standalone or the stand-in)
    docker_host: str = DEFAULT_DOCKER_HOST  # where member 0 runs (the first start's `docker exec` goes there)
    # Per member, when members run on their own Docker hosts (infra/placement.py): its provider and that host's network.
    placements: list[tuple[pulumi.ProviderResource, docker.Network]] = field(default_factory=list)


class MongoReplicaSet(ServiceComponent):
    def __init__(self, name: str, args: MongoReplicaSetArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("datastack:index:MongoReplicaSet", name, opts)
        # Members start together; the set is formed by the first start once all of them answer.
        placements = args.placements or [(None, args.network)] * len(args.members)
        self.members = [self.server(m, network, child_name=m.service, provider=provider)
                        for m, (provider, network) in zip(args.members, placements)]
        self.first_start = None
        if args.first_start is not None:
            # Re-run when a member is replaced (the script is idempotent: status first, admin login once users exist).
            self.first_start = docker_exec(
                f"{name}-first-start", args.docker_host, args.first_start.container, args.first_start.command,
                args.first_start.stdin, triggers=[m.id for m in self.members], opts=self.child(self.members))
        self.ready = self.first_start or self.members[-1]  # what depends on MongoDB waits for this
        self.hosts = [host for m in args.members for host in published(m)]
        self.replica_set = args.replica_set
        self.testinfra_host = f"docker://{args.members[0].name}"
        self.register_outputs({
            "hosts": self.hosts,
            "replica_set": self.replica_set,
            "containers": [m.name for m in self.members],
            "member_ids": [m.id for m in self.members],
            "testinfra_host": self.testinfra_host,
        })
