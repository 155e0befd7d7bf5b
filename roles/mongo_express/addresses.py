"""Where mongo-express answers: one URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.endpoints import Endpoints, HttpEndpoint
from datastack.plan.addresses import AddressScope
from datastack.plan.containers import dns_alias

from .container import INNER_PORT

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def mongo_express_address(spec: EnvironmentSpec, endpoints: Endpoints, scope: AddressScope) -> None:
    if scope.inside:
        endpoints.mongo_express = HttpEndpoint(url=f"http://{dns_alias('mongo_express')}:{INNER_PORT}")
    else:
        endpoints.mongo_express = HttpEndpoint(url=f"http://{scope.host}:{spec.services.mongo_express.port}")
