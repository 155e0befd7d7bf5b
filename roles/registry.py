"""The registry: every service datastack knows, in start order (stores first, then what uses them).

Adding a service is a folder under roles/ and one line here; nothing else in the generic pipeline changes.
"""

from __future__ import annotations

import importlib
import os

from datastack.services import Service

from .app.service import SERVICE as APP
from .mongo_express.service import SERVICE as MONGO_EXPRESS
from .mongodb.service import SERVICE as MONGODB
from .postgres.service import SERVICE as POSTGRES
from .redis.service import SERVICE as REDIS

SERVICES: list[Service] = [MONGODB, POSTGRES, REDIS, MONGO_EXPRESS, APP]
# The built-in services: the spec models are assembled from these (datastack/spec/environment.py, checks.py) when
# first imported; a service registered later brings its own spec model, validated as an extra section.
BUILT_IN: tuple[Service, ...] = tuple(SERVICES)

# Extensions: modules that each define SERVICE, named (comma-separated) in this variable, registered after the
# built-in services when the registry is first read — so every command (plan, up, migrate, check) sees them.
EXTENSIONS_VARIABLE = "DATASTACK_SERVICES"
_loaded_extensions: set[str] = set()


def register(service: Service) -> None:
    """Add a service (used by extensions and tests); its name must be new."""
    if any(s.name == service.name for s in SERVICES):
        raise ValueError(f"service {service.name!r} is already registered")
    SERVICES.append(service)


def unregister(name: str) -> None:
    SERVICES[:] = [s for s in SERVICES if s.name != name]


def load_extensions() -> None:
    """Register the services of the modules named in DATASTACK_SERVICES (once each)."""
    from datastack.errors import UserError

    for module_name in filter(None, (m.strip() for m in os.environ.get(EXTENSIONS_VARIABLE, "").split(","))):
        if module_name in _loaded_extensions:
            continue
        _loaded_extensions.add(module_name)  # before importing: its own imports may read the registry
        try:
            service = importlib.import_module(module_name).SERVICE
        except (ImportError, AttributeError) as exc:
            _loaded_extensions.discard(module_name)
            raise UserError(f"{EXTENSIONS_VARIABLE}: cannot load a service from {module_name!r} ({exc})",
                            fix="name an importable module that defines SERVICE") from None
        if not any(s.name == service.name for s in SERVICES):
            SERVICES.append(service)
