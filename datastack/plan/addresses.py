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


def server_endpoint(cls, spec: EnvironmentSpec, key: str, scope: AddressScope, inner_port: int):
    """A one-server store's endpoint (host:port) under services.<key>: as declared when external, by its container
    alias inside the network, else this machine's port; with the CA its clients verify it with."""
    from ..tls import ca_file_inside, client_ca_file
    from .containers import dns_alias

    section = getattr(spec.services, key)
    if section.external is not None:
        return external_server_endpoint(cls, section)  # the same from every engine and side
    if scope.inside:  # an instance (spec.instance_view) has its own alias, and its clients its own CA file name
        name = section.declared_as(key)
        return cls(host=dns_alias(name), port=inner_port, tls_ca_file=ca_file_inside(name, section.tls))
    return cls(host=scope.host, port=section.port, tls_ca_file=client_ca_file(spec, section.tls))


def external_server_endpoint(cls, section):
    """Where an external one-server store answers, as declared, with the CA its `tls:` names. Given by a URI
    reference, host and port stay unset: they come from the URI when connecting."""
    from ..tls import given_ca_file

    if section.external.uri is not None:
        return cls(host="", port=0, external=True, uri_secret_id=section.external_uri_secret_id)
    return cls(host=section.external.host, port=section.external.port, external=True,
               tls_ca_file=given_ca_file(section.tls))
