"""Where PostgreSQL answers: one host and port."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.endpoints import Endpoints, PostgresEndpoint
from datastack.plan.addresses import AddressScope
from datastack.plan.containers import dns_alias
from datastack.spec.external import ExternalServer

from .container import INNER_PORT

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def postgres_address(spec: EnvironmentSpec, endpoints: Endpoints, scope: AddressScope) -> None:
    if spec.services.postgres.external is not None:
        endpoints.postgres = external_endpoint(spec.services.postgres.external)  # the same from every engine and side
    elif scope.inside:
        endpoints.postgres = PostgresEndpoint(host=dns_alias("postgres"), port=INNER_PORT)
    else:
        endpoints.postgres = PostgresEndpoint(host=scope.host, port=spec.services.postgres.port)


def external_endpoint(external: ExternalServer) -> PostgresEndpoint:
    """Where an external PostgreSQL answers, as declared: the one place its endpoint is built (TLS settings join here)."""
    return PostgresEndpoint(host=external.host, port=external.port, external=True)
