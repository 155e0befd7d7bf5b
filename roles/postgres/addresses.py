"""Where PostgreSQL answers: one host and port (or, external, where the spec says)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.endpoints import Endpoints, PostgresEndpoint
from datastack.plan.addresses import AddressScope, external_server_endpoint, server_endpoint

from .container import INNER_PORT

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def postgres_address(spec: EnvironmentSpec, endpoints: Endpoints, scope: AddressScope) -> None:
    endpoints.postgres = server_endpoint(PostgresEndpoint, spec, "postgres", scope, INNER_PORT)


def external_endpoint(section) -> PostgresEndpoint:
    """Where an external PostgreSQL answers, as declared (the Pulumi program records it as it is)."""
    return external_server_endpoint(PostgresEndpoint, section)
