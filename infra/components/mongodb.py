"""MongoReplicaSet: N mongod members with --replSet and a shared keyFile (0400, owned by mongodb), then a
one-shot job that initiates the set, waits for PRIMARY and creates the administrator. With the offline images
it is the single-node stand-in, whose image makes its administrator itself: no job. Database users are the
reconciler's (`datastack migrate --from-stack`)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from datastack.plan.definitions import ContainerDefinition, JobDefinition

from .base import ServiceComponent, published
from .containers import job_container


@dataclass
class MongoReplicaSetArgs:
    members: list[ContainerDefinition]
    init_job: JobDefinition | None  # None: the image makes its administrator itself
    network: docker.Network
    replica_set: str | None  # None: a single node (standalone or the stand-in)


class MongoReplicaSet(ServiceComponent):
    def __init__(self, name: str, args: MongoReplicaSetArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("datastack:index:MongoReplicaSet", name, opts)
        # Members start together; the set is formed by the job once all of them answer.
        self.members = [self.server(m, args.network, child_name=m.service) for m in args.members]
        self.init = job_container(f"{name}-init", args.init_job, args.network, self.child(self.members)) if args.init_job else None
        self.ready = self.init or self.members[-1]  # what depends on MongoDB waits for this
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
    """The replica set (or the single stand-in) and, where its first start needs one, the init job."""
    from datastack.services import service_named

    members = ctx.of_role("mongodb")
    if not members:
        return
    spec = ctx.cfg.spec
    standin = members[0].implementation == "secantus"
    first_start = [s for s in ctx.plan.by_role("mongodb") if s.bootstrap]
    job = service_named("mongodb").first_start_job(ctx.plan, first_start[0], ctx.cfg.secrets) if first_start else None
    single = standin or spec.services.mongodb.topology == "standalone"
    mongo = MongoReplicaSet(f"{ctx.env}-mongodb", MongoReplicaSetArgs(
        members=members, init_job=job, network=ctx.network, replica_set=None if single else spec.services.mongodb.replica_set_name))
    ctx.made["mongodb"] = mongo
    # Members announce network names the machine running migrate/check cannot resolve: it talks to the first.
    ctx.endpoints["mongodb"] = {"hosts": mongo.hosts[:1], "replica_set": None,
                                "stand_in": standin, "testinfra_host": mongo.testinfra_host}
