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
    if spec.services.postgres.external is not None:
        endpoints.postgres = external_endpoint(spec.services.postgres)  # the same from every engine and side
    elif scope.inside:
        endpoints.postgres = PostgresEndpoint(host=dns_alias(spec.services.postgres.declared_as("postgres")), port=INNER_PORT)
    else:
        endpoints.postgres = PostgresEndpoint(host=scope.host, port=spec.services.postgres.port)


def external_endpoint(section) -> PostgresEndpoint:
    """Where an external PostgreSQL answers, as declared: the one place its endpoint is built (TLS settings join
    here). Given by a URI reference, host and port stay unset: they come from the URI when connecting."""
    if section.external.uri is not None:
        return PostgresEndpoint(host="", port=0, external=True, uri_secret_id=section.external_uri_secret_id)
    return PostgresEndpoint(host=section.external.host, port=section.external.port, external=True)
