"""Where PostgreSQL answers: one host and port."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.endpoints import Endpoints, PostgresEndpoint
from datastack.plan.addresses import AddressScope
from datastack.plan.containers import dns_alias

from .container import INNER_PORT

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def postgres_address(spec: EnvironmentSpec, endpoints: Endpoints, scope: AddressScope) -> None:
    if scope.inside:
        endpoints.postgres = PostgresEndpoint(host=dns_alias(spec.services.postgres.declared_as("postgres")), port=INNER_PORT)
    else:
        endpoints.postgres = PostgresEndpoint(host=scope.host, port=spec.services.postgres.port)
