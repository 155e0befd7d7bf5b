"""Declare one environment: its private network, then each declared service's component (infra/components/<service>.py,
in registry order), built from the container plan.

Stack outputs are the endpoints `datastack migrate/check --from-stack FILE` read from
`pulumi stack output --json > FILE`: the same shape as the Docker engine's endpoints.json.
Each store's first start makes only its administrator; the Reconcile step (`datastack migrate`) then runs the
stores' reconcilers, the one writer of users, roles and passwords for every engine, before the services that use them start.
"""

from __future__ import annotations

import importlib

import pulumi
import pulumi_docker as docker

from datastack.endpoints import Endpoints
from datastack.plan.definitions import ENVIRONMENT_LABEL, container_definitions
from datastack.plan import containers
from datastack.services import declared_services

from .components.commands import DEFAULT_DOCKER_HOST
from .components.declare import Declaring
from .components.reconcile import Reconcile, ReconcileArgs
from .images import verify_built_images
from .config import StackConfig


def component_module(service: str):
    """infra/components/<service>.py, whose `declare(ctx)` adds the service's resources and endpoints."""
    from datastack.errors import UserError

    try:
        return importlib.import_module(f"infra.components.{service}")
    except ModuleNotFoundError as exc:
        if exc.name != f"infra.components.{service}":
            raise
        raise UserError(f"service {service!r} has no Pulumi component", fix=f"add infra/components/{service}.py with declare(ctx)") from None


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
    # The Endpoints model's shape (what the Docker engine writes), each declared service filling in its part.
    shape = Endpoints(environment=spec.name, engine="pulumi").model_dump(exclude_none=True)
    ctx = Declaring(env=env, cfg=cfg, plan=plan, definitions=defs, network=network, docker_host=docker_host,
                    endpoints={**shape, "docker_host": docker_host})
    services = declared_services(spec)
    instances = spec.services.instances()
    for service in (s for s in services if s.store is not None):
        if service.name in instances:  # the component of the service it is an instance of, under its own name
            component_module(instances[service.name]).declare(ctx, service.name)
        else:
            component_module(service.name).declare(ctx)
    # Users, schema and ACLs before anything logs in: what uses the stores waits for the reconcile step.
    ctx.stores = ctx.stores_ready()
    ctx.reconcile = Reconcile(f"{env}-reconcile", ReconcileArgs(
        spec=spec, secrets=cfg.secrets, endpoints=dict(ctx.endpoints), after=ctx.stores, docker_host=docker_host))
    ctx.made["reconcile"] = ctx.reconcile
    for service in (s for s in services if s.store is None):
        component_module(service.name).declare(ctx)
    endpoints, made = ctx.endpoints, ctx.made

    # Endpoints hold no secrets: credentials come from the spec's references, as for every engine.
    pulumi.export("endpoints", endpoints)
    pulumi.export("network", network.name)
    if plan.notes:
        pulumi.export("notes", plan.notes)
    return made
