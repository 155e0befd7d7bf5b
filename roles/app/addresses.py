"""Where each app answers: one URL per app, published only (apps are not reached by other containers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.endpoints import Endpoints, HttpEndpoint
from datastack.plan.addresses import AddressScope

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def app_address(spec: EnvironmentSpec, endpoints: Endpoints, scope: AddressScope) -> None:
    if scope.inside:
        return
    for app in spec.services.apps:
        endpoints.apps[app.name] = HttpEndpoint(url=f"http://{scope.host}:{app.port}")


def apps_in_containers(endpoints: Endpoints, by_role: dict[str, str], by_service: dict[str, str]) -> None:
    for app_name, endpoint in endpoints.apps.items():
        if f"app-{app_name}" in by_service:
            endpoint.testinfra_host = f"docker://{by_service[f'app-{app_name}']}"
