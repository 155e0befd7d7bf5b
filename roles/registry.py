"""The registry: every service datastack knows, in start order (stores first, then what uses them).

Adding a service is a folder under roles/ and one line here; nothing else in the generic pipeline changes.
"""

from __future__ import annotations

from datastack.services import Service

from .app.service import SERVICE as APP
from .mongo_express.service import SERVICE as MONGO_EXPRESS
from .mongodb.service import SERVICE as MONGODB
from .postgres.service import SERVICE as POSTGRES
from .redis.service import SERVICE as REDIS

SERVICES: list[Service] = [MONGODB, POSTGRES, REDIS, MONGO_EXPRESS, APP]


def register(service: Service) -> None:
    """Add a service (used by extensions and tests); its name must be new."""
    if any(s.name == service.name for s in SERVICES):
        raise ValueError(f"service {service.name!r} is already registered")
    SERVICES.append(service)


def unregister(name: str) -> None:
    SERVICES[:] = [s for s in SERVICES if s.name != name]
