"""Connection strings with credentials, built from the spec, the endpoints and resolved secrets.

Each store builds its own logins and URIs (roles/<store>/login.py), so `uri`, migrate, check and the services
that connect to it agree; this module holds what they share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import dataclass, field

from .endpoints import Endpoints
from .errors import UserError

if TYPE_CHECKING:
    from .spec import EnvironmentSpec


@dataclass(frozen=True)
class Login:
    user: str
    password: str
    database: str | None  # where the user is defined (its authentication database), when the store has one
    access: str
    # An external server's own URI, when the spec gives it by reference: the store's URI builder starts from it.
    server_uri: str | None = field(default=None, repr=False)


def service_uri(service: str, spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], user: str | None) -> str:
    from .services import declared_services, registered_services

    declared = [s for s in declared_services(spec) if s.store is not None]
    stores = declared + [s for s in registered_services() if s.store is not None and s.name not in {d.name for d in declared}]
    for candidate in stores:
        if candidate.name == service:
            return candidate.store.uri(spec, endpoints, secrets, user)
    raise UserError(f"no URI for service {service!r}", fix=f"use one of: {', '.join(s.name for s in stores)}")


def require_section(value, service: str):
    if value is None:
        raise UserError(f"this environment has no {service} service", fix=f"declare services.{service} in the spec")
    return value


def unknown_user(service: str, user: str, known: list[str]) -> UserError:
    return UserError(f"{service} has no user {user!r}", fix=f"use one of: {', '.join(known)}")
