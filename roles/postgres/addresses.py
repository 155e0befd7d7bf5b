"""Where PostgreSQL answers: one host and port."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.endpoints import Endpoints, PostgresEndpoint
from datastack.plan.addresses import AddressScope
from datastack.plan.containers import dns_alias
from datastack.tls import ca_file_inside, client_ca_file

from .container import INNER_PORT

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def postgres_address(spec: EnvironmentSpec, endpoints: Endpoints, scope: AddressScope) -> None:
    if scope.inside:
        endpoints.postgres = PostgresEndpoint(host=dns_alias("postgres"), port=INNER_PORT,
                                              tls_ca_file=ca_file_inside("postgres", spec.services.postgres.tls))
    else:
        pg = spec.services.postgres
        endpoints.postgres = PostgresEndpoint(host=scope.host, port=pg.port, tls_ca_file=client_ca_file(spec, pg.tls))
