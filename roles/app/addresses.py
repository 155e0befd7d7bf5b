"""Where each app answers: one URL per app, published only (apps are not reached by other containers)."""

from __future__ import annotations

from datastack.endpoints import Endpoints, HttpEndpoint
from datastack.plan.addresses import AddressScope
from datastack.spec import EnvironmentSpec


def app_address(spec: EnvironmentSpec, endpoints: Endpoints, scope: AddressScope) -> None:
    if scope.inside:
        return
    for app in spec.services.apps:
        endpoints.apps[app.name] = HttpEndpoint(url=f"http://{scope.host}:{app.port}")
