"""Where each service will answer, known before anything starts (engines return this as their result).

Each service fills in its own part (`Service.address`, in roles/<service>/addresses.py); this module only says
from where it is seen: this machine's published ports, or the environment's private container network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import dataclass

from ..endpoints import Endpoints

if TYPE_CHECKING:
    from ..spec import EnvironmentSpec


@dataclass(frozen=True)
class AddressScope:
    engine: str
    host: str = "127.0.0.1"  # where published ports answer
    stand_in: bool = False  # a single-node stand-in runs in place of the declared server
    inside: bool = False  # seen from the private network: DNS names and container ports


def endpoints_in(spec: EnvironmentSpec, scope: AddressScope) -> Endpoints:
    from ..services import declared_services

    endpoints = Endpoints(environment=spec.name, engine=scope.engine)
    for service in declared_services(spec):
        if service.address is not None:
            service.address(spec, endpoints, scope)
    return endpoints


def planned_endpoints(spec: EnvironmentSpec, engine: str, *, stand_in: bool, host: str = "127.0.0.1") -> Endpoints:
    return endpoints_in(spec, AddressScope(engine=engine, host=host, stand_in=stand_in))


def container_endpoints(spec: EnvironmentSpec) -> Endpoints:
    """Where containers reach each other on the environment's private network (what later containers connect to)."""
    return endpoints_in(spec, AddressScope(engine="docker", inside=True))
