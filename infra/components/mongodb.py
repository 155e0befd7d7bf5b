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
    # Per member, when members run on their own Docker hosts (infra/components/placement.py): its provider and that host's network.
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


def declare(ctx) -> None:
    """The replica set (or the single stand-in) and its first start; members over several Docker hosts when the
    stack config places them (datastack:mongodbHosts)."""
    from roles.mongodb.container_job import mongo_first_start_exec

    from .spread import spread_members

    from roles.mongodb.addresses import external_endpoint

    if ctx.cfg.spec.services.mongodb.external is not None:
        # Nothing to create: its endpoint is as declared, like every engine's.
        ctx.endpoints["mongodb"] = external_endpoint(ctx.cfg.spec.services.mongodb).model_dump()
        return
    members = ctx.of_role("mongodb")
    if not members:
        return
    spec, cfg = ctx.cfg.spec, ctx.cfg
    standin = members[0].implementation == "secantus"
    first_start = [s for s in ctx.plan.by_role("mongodb") if s.bootstrap]
    single = standin or spec.services.mongodb.topology == "standalone"
    spread = spread_members(ctx.env, spec.name, members, cfg.member_hosts, ctx.docker_host) \
        if cfg.member_hosts and not single else None
    first_start_exec = mongo_first_start_exec(ctx.plan, first_start[0], cfg.secrets,
                                              spread.addresses if spread else None) if first_start else None
    mongo = MongoReplicaSet(f"{ctx.env}-mongodb", MongoReplicaSetArgs(
        members=spread.members if spread else members, first_start=first_start_exec, network=ctx.network,
        docker_host=spread.first_docker_host if spread else ctx.docker_host,
        placements=spread.placements(ctx.network) if spread else [],
        replica_set=None if single else spec.services.mongodb.replica_set_name))
    ctx.made["mongodb"] = mongo
    if spread:
        # Routable member addresses: the seed list and the set name, as every driver should connect.
        ctx.endpoints["mongodb"] = {"hosts": spread.addresses, "replica_set": spec.services.mongodb.replica_set_name,
                                    "stand_in": False, "testinfra_host": mongo.testinfra_host}
    else:
        # Members announce network names the machine running migrate/check cannot resolve: it talks to the first.
        ctx.endpoints["mongodb"] = {"hosts": mongo.hosts[:1], "replica_set": None,
                                    "stand_in": standin, "testinfra_host": mongo.testinfra_host}
