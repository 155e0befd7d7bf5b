"""From a container plan to container definitions: what the Docker engine creates and Pulumi declares.

Part of the plan (engine-neutral data): the Docker engine and the Pulumi program both import it from here.

Both engines map these same definitions onto their APIs (docker SDK, pulumi-docker), so they agree on
images, commands, environment, ports, mounts, files, healthchecks and restart policy by construction;
tests/unit/infra/test_parity.py checks the mapping on both sides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import dataclass, field

from . import containers
from .model import Plan, ServicePlan

if TYPE_CHECKING:
    from ..spec import EnvironmentSpec

ENVIRONMENT_LABEL = "io.datastack.environment"
SERVICE_LABEL = "io.datastack.service"
HASH_LABEL = "io.datastack.config-hash"
# Restarted by the daemon after a crash or a reboot, but not after `docker stop` or `datastack down`.
RESTART_POLICY = "unless-stopped"
HEALTH_INTERVAL_S = 2
HEALTH_TIMEOUT_S = 5
HEALTH_RETRIES = 30


@dataclass(frozen=True)
class DeliveredFile:
    """A config file written into the container before it starts, with its owner and mode."""

    path: str
    content: str
    mode: int
    uid: int
    gid: int
    secret: bool


@dataclass(frozen=True)
class JobDefinition:
    """A one-shot container a service's first start needs (e.g. initiating a replica set from inside)."""

    service: str
    name: str
    image: str
    command: list[str]
    environment: dict[str, str]
    secret_keys: list[str]
    network_container: str | None = None  # join this container's network namespace (localhost exception)
    network: str | None = None  # or join the environment's network
    entrypoint: list[str] | None = None
    files: list[DeliveredFile] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PortBinding:
    host_ip: str
    host_port: int
    container_port: int


@dataclass(frozen=True)
class ContainerDefinition:
    service: str
    role: str
    implementation: str
    name: str
    alias: str
    image: str
    command: list[str]
    environment: dict[str, str]
    secret_keys: list[str]
    ports: list[PortBinding]
    volume: str | None
    data_dir: str | None
    files: list[DeliveredFile]
    healthcheck: list[str]
    stop_signal: str
    depends_on: list[str]
    labels: dict[str, str] = field(default_factory=dict)
    restart: str = RESTART_POLICY
    user: str | None = None  # uid:gid the engine starts it as; None: the image's own (it drops privileges itself)
    # Docker's init (tini) as PID 1: it passes SIGTERM on. A server that is PID 1 itself gets no default signal
    # actions (node, python ignore SIGTERM there), so each stop waited out the whole grace, then SIGKILLed.
    init: bool = True

    @property
    def config_hash(self) -> str:
        return self.labels[HASH_LABEL]


def container_definitions(spec: EnvironmentSpec, plan: Plan) -> list[ContainerDefinition]:
    if plan.target != "container":
        raise ValueError("container definitions need a plan built with target='container'")
    return [definition_for(spec, plan, svc) for svc in plan.services]


def definition_for(spec: EnvironmentSpec, plan: Plan, svc: ServicePlan) -> ContainerDefinition:
    user = containers.image_user(spec, svc.role)
    inner_port = containers.container_port(svc.role)
    return ContainerDefinition(
        service=svc.name,
        role=svc.role,
        implementation=svc.implementation,
        name=containers.container_name(plan.environment, svc.name),
        alias=containers.dns_alias(svc.name),
        image=svc.image,
        command=list(svc.command),
        environment=dict(svc.environment),
        secret_keys=list(svc.secret_environment),
        ports=[PortBinding(host_ip=svc.bind, host_port=port, container_port=inner_port) for port in svc.ports],
        volume=containers.volume_name(plan.environment, svc.name) if svc.data_dir else None,
        data_dir=svc.data_dir,
        files=[DeliveredFile(f.path, f.content, f.mode, user.uid, user.gid, f.secret) for f in svc.files],
        healthcheck=containers.healthcheck(svc.role, svc.implementation),
        stop_signal=svc.stop_signal,
        depends_on=list(svc.depends_on),
        labels={ENVIRONMENT_LABEL: plan.environment, SERVICE_LABEL: svc.name, HASH_LABEL: svc.config_hash()},
        user=f"{user.uid}:{user.gid}" if user.engine_sets_user else None,
    )
