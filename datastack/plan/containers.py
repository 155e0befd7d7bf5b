"""Container conventions shared by the roles (target="container"), the Docker engine and the Pulumi program.

One place says, per role: which image (official pinned, or the offline `datastack/<recipe>:<hash>`), which
port the server listens on inside its container, which user it runs as (numeric, for file ownership), where
its data volume goes, how its health is checked, and how other containers reach it by DNS name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

if TYPE_CHECKING:
    from ..spec import EnvironmentSpec


CONF_DIR = "/etc/datastack"
RUN_DIR = "/run/datastack"


@dataclass(frozen=True)
class ImageUser:
    name: str
    uid: int
    gid: int
    # The image starts as root and never drops privileges itself: the engine starts it as this user instead.
    engine_sets_user: bool = False


@dataclass(frozen=True)
class ContainerConventions:
    """One service's container conventions, declared in roles/<service>/container.py (`Service.container`)."""

    inner_port: int  # the port the server listens on inside its container; the spec's port is the published one
    # Who the server runs as, by image flavour (official | offline): config files are delivered owned by this uid.
    users: dict[str, ImageUser]
    # By implementation: the pinned official image ("name:{version}") and the offline recipe (images/<recipe>/).
    official_images: dict[str, str] = field(default_factory=dict)
    offline_recipes: dict[str, str] = field(default_factory=dict)
    data_dir: str | None = None  # where its data volume goes
    run_dir: str = RUN_DIR  # where the server writes runtime files (sockets, lock files), owned by its user
    # The Docker healthcheck test by implementation (official images ship none); None: the port accepts a connection.
    healthcheck: Callable[[str], list[str]] | None = None


def container_of(role: str) -> ContainerConventions:
    from ..services import service_named

    definition = service_named(role).container
    if definition is None:
        raise ValueError(f"service {role!r} declares no container")
    return definition


def _container_for_implementation(implementation: str) -> ContainerConventions:
    from ..services import registered_services

    for service in registered_services():
        if service.container is not None and implementation in service.container.offline_recipes:
            return service.container
    raise ValueError(f"no registered service runs {implementation!r} in a container")


def image_flavor(spec: EnvironmentSpec) -> str:
    return spec.images


def image_for(spec: EnvironmentSpec, implementation: str, version: str) -> str:
    """The pinned official image, or the offline one where the spec says no registry answers."""
    definition = _container_for_implementation(implementation)
    if spec.images == "offline" or implementation not in definition.official_images:
        return offline_image(definition.offline_recipes[implementation])
    return definition.official_images[implementation].format(version=version)


@lru_cache(maxsize=None)
def offline_image(recipe_name: str) -> str:
    """`datastack/<recipe>:<hash>`: the hash of the recipe's files, exactly what `datastack images build` tags."""
    from ..images.base import base_hash
    from ..images.recipes import image_tag, recipe_named

    return image_tag(recipe_named(recipe_name), base_hash())


def image_user(spec: EnvironmentSpec, role: str) -> ImageUser:
    return container_of(role).users[spec.images]


def container_port(role: str) -> int:
    return container_of(role).inner_port


def service_role(service: str) -> str:
    """A plan entry's registered service: its name, or the name before '-<member>' ('<role>-1', '<role>-<name>')."""
    from ..services import registered_services

    names = sorted((s.name for s in registered_services()), key=len, reverse=True)
    return next((n for n in names if service == n or service.startswith(n + "-")), service.split("-", 1)[0])


def _definition(service: str) -> ContainerConventions | None:
    from ..services import registered_services

    role = service_role(service)
    return next((s.container for s in registered_services() if s.name == role), None)


def data_dir(service: str) -> str | None:
    definition = _definition(service)
    return definition.data_dir if definition else None


def run_dir(service: str) -> str:
    definition = _definition(service)
    return definition.run_dir if definition else RUN_DIR


def healthcheck(role: str, implementation: str) -> list[str]:
    """The Docker healthcheck test for a service; official images ship none, so every container gets one."""
    definition = container_of(role)
    if definition.healthcheck is not None:
        return definition.healthcheck(implementation)
    return ["CMD-SHELL", f"exec 3<>/dev/tcp/127.0.0.1/{definition.inner_port}"]


def container_name(environment: str, service: str) -> str:
    return f"datastack-{environment}-{service.replace('_', '-')}"


def network_name(environment: str) -> str:
    return f"datastack-{environment}"


def volume_name(environment: str, service: str) -> str:
    return f"datastack-{environment}-{service.replace('_', '-')}-data"


def dns_alias(service: str) -> str:
    return service


def listen_address_inside(role: str) -> tuple[str, int]:
    """Where a server listens inside its container (checks over docker:// compare against this, not the
    published 127.0.0.1 port of the plan)."""
    return "0.0.0.0", container_port(role)
