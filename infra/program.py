"""Declare one environment: its private network, then one component per role, built from the container plan.

Stack outputs are the endpoints `datastack migrate/check --from-stack FILE` read from
`pulumi stack output --json > FILE`: the same shape as the Docker engine's endpoints.json.
Each store's first start makes only its administrator; the Reconcile step (`datastack migrate`) then runs the
stores' reconcilers, the one writer of users, roles and passwords for every engine, before apps start.
"""

from __future__ import annotations

import pulumi
import pulumi_docker as docker

from datastack.plan.definitions import ENVIRONMENT_LABEL, container_definitions
from datastack.plan import containers
from roles.mongodb.container_job import mongo_first_start_exec

from .components import (
    App, AppArgs, MongoExpress, MongoExpressArgs, MongoReplicaSet, MongoReplicaSetArgs, Postgres, PostgresArgs, Redis, RedisArgs,
)
from .components.commands import DEFAULT_DOCKER_HOST
from .components.reconcile import Reconcile, ReconcileArgs
from .images import verify_built_images
from .spread import spread_members
from .config import StackConfig


def declare_environment(cfg: StackConfig, prefix: str | None = None) -> dict[str, pulumi.Resource]:
    """`prefix` names the resources (default: the environment); tests use it to keep mock names unique."""
    spec, plan = cfg.spec, cfg.plan()
    env = prefix or spec.name
    defs = {d.service: d for d in container_definitions(spec, plan)}
    docker_host = cfg.docker_host or DEFAULT_DOCKER_HOST
    if cfg.image_present is not None:
        verify_built_images([d.image for d in defs.values()], docker_host, cfg.image_present)
    network = docker.Network(f"{env}-network", name=containers.network_name(spec.name), driver="bridge",
                             labels=[docker.NetworkLabelArgs(label=ENVIRONMENT_LABEL, value=spec.name)])
    made: dict[str, pulumi.Resource] = {}
    endpoints: dict = {"environment": spec.name, "engine": "pulumi", "docker_host": docker_host,
                       "apps": {}}

    members = [d for d in defs.values() if d.role == "mongodb"]
    if members:
        standin = members[0].implementation == "secantus"
        first_start = [s for s in plan.by_role("mongodb") if s.bootstrap]
        single = standin or spec.services.mongodb.topology == "standalone"
        spread = spread_members(env, spec.name, members, cfg.member_hosts, docker_host) if cfg.member_hosts and not single else None
        exec_ = mongo_first_start_exec(plan, first_start[0], cfg.secrets, spread.addresses if spread else None) \
            if first_start else None
        mongo = MongoReplicaSet(f"{env}-mongodb", MongoReplicaSetArgs(
            members=spread.members if spread else members, first_start=exec_, network=network,
            docker_host=spread.first_docker_host if spread else docker_host,
            placements=spread.placements(network) if spread else [],
            replica_set=None if single else spec.services.mongodb.replica_set_name))
        made["mongodb"] = mongo
        if spread:
            # Routable member addresses: the seed list and the set name, as every driver should connect.
            endpoints["mongodb"] = {"hosts": spread.addresses, "replica_set": spec.services.mongodb.replica_set_name,
                                    "stand_in": False, "testinfra_host": mongo.testinfra_host}
        else:
            # Members announce network names the machine running migrate/check cannot resolve: it talks to the first.
            endpoints["mongodb"] = {"hosts": mongo.hosts[:1], "replica_set": None,
                                    "stand_in": standin, "testinfra_host": mongo.testinfra_host}
    if "postgres" in defs:
        made["postgres"] = Postgres(f"{env}-postgres", PostgresArgs(server=defs["postgres"], network=network))
        endpoints["postgres"] = made["postgres"].endpoint
    if "redis" in defs:
        made["redis"] = Redis(f"{env}-redis", RedisArgs(server=defs["redis"], network=network))
        endpoints["redis"] = made["redis"].endpoint
    # Users, schema and ACLs before anything logs in: apps and mongo-express wait for the reconcile step.
    stores = [made[s].ready if s == "mongodb" else made[s].container for s in ("mongodb", "postgres", "redis") if s in made]
    made["reconcile"] = Reconcile(f"{env}-reconcile", ReconcileArgs(spec=spec, secrets=cfg.secrets, endpoints=dict(endpoints),
                                                                    after=stores, docker_host=docker_host))
    if "mongo_express" in defs:
        made["mongo_express"] = MongoExpress(f"{env}-mongo-express", MongoExpressArgs(
            server=defs["mongo_express"], network=network, after=[made["reconcile"]]))
        endpoints["mongo_express"] = {"url": made["mongo_express"].url, "testinfra_host": f"docker://{defs['mongo_express'].name}"}
    for d in (d for d in defs.values() if d.role == "app"):
        app = App(f"{env}-{d.service}", AppArgs(server=d, network=network, after=[made["reconcile"], *stores]))
        made[d.service] = app
        endpoints["apps"][d.service.removeprefix("app-")] = {"url": app.url, "testinfra_host": f"docker://{d.name}"}

    # Endpoints hold no secrets: credentials come from the spec's references, as for every engine.
    pulumi.export("endpoints", endpoints)
    pulumi.export("network", network.name)
    if plan.notes:
        pulumi.export("notes", plan.notes)
    return made
