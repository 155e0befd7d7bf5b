"""The one small protocol every service registers behind (see roles/registry.py).

The generic pipeline — plan builder, engines, `migrate`, `uri` — iterates the registry and calls these
hooks; it never names a service. A service's whole story lives in `roles/<service>/`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from .endpoints import Endpoints
    from .migrate.report import MigrateOptions, StoreReport
    from .plan.context import PlanContext
    from .plan.definitions import JobDefinition
    from .plan.model import BootstrapStep, Plan, ServicePlan
    from .spec import EnvironmentSpec

Secrets = dict[str, str]


@dataclass(frozen=True)
class Store:
    """A data store: the one reconciler that owns its users, roles and passwords (after the first administrator)."""

    # Bring the live store to the spec (dry_run: only list the changes); every engine and `migrate` run it.
    migrate: Callable[["EnvironmentSpec", "Endpoints", Secrets, "MigrateOptions"], "list[StoreReport]"]
    # What a migrate would change, and revisions; never writes.
    status: Callable[["EnvironmentSpec", "Endpoints", Secrets], "list[StoreReport]"]
    # A connection URI with credentials (`datastack uri`); user None means the administrator.
    uri: Callable[["EnvironmentSpec", "Endpoints", Secrets, "str | None"], str]
    # Users, roles and passwords only: what every engine runs once the store (re)started.
    reconcile_logins: Callable[["EnvironmentSpec", "Endpoints", Secrets, "MigrateOptions"], "list[StoreReport]"]
    # `datastack migrate down --store NAME`: roll one database back to a revision (None: not supported).
    roll_back: Callable[["EnvironmentSpec", "Endpoints", Secrets, str, str, "MigrateOptions"], "StoreReport"] | None = None


@dataclass(frozen=True)
class Service:
    name: str  # its role in the plan, its folder under roles/ and templates/
    plan: Callable[["EnvironmentSpec", "PlanContext"], "list[ServicePlan]"]
    store: Store | None = None
    spec_key: str | None = None  # its key under `services:` in the spec, when not its name
    spec_model: type | None = None  # a registered (non built-in) service: the pydantic model of its spec section
    # Checks at spec load that need more than the model (files it names exist and parse); raises UserError.
    check_spec: Callable[["EnvironmentSpec", "Path"], None] | None = None
    # Runs a ServicePlan's first-start steps (`bootstrap`) against the server at host:port, reached without auth.
    first_start: Callable[["list[BootstrapStep]", str, int, Secrets, Callable[[str], None]], None] | None = None
    # Container engines: the one-shot job that runs those steps from inside the environment's network.
    first_start_job: Callable[["Plan", "ServicePlan", Secrets], "JobDefinition"] | None = None
    # What `plan` shows of its declared design (collections and indexes, ACL rules): JSON-ready, no secret in it.
    design: Callable[["EnvironmentSpec"], dict] | None = None

    def declared(self, spec: "EnvironmentSpec") -> bool:
        value = getattr(spec.services, self.spec_key or self.name, None)
        return bool(value) and getattr(value, "enabled", True) is not False


def registered_services() -> list[Service]:
    """Every service, in start order (stores first, then what uses them)."""
    from roles.registry import SERVICES

    return list(SERVICES)


def declared_services(spec: "EnvironmentSpec") -> list[Service]:
    return [s for s in registered_services() if s.declared(spec)]


def declared_stores(spec: "EnvironmentSpec") -> list[Service]:
    return [s for s in declared_services(spec) if s.store is not None]


def store_of(role: str) -> Store:
    store = service_named(role).store
    if store is None:
        raise ValueError(f"service {role!r} is not a store")
    return store


def service_named(name: str) -> Service:
    from .errors import UserError

    for service in registered_services():
        if service.name == name:
            return service
    raise UserError(f"no service {name!r}", fix=f"use one of: {', '.join(s.name for s in registered_services())}")


def lazy(module: str, function: str, *, one_report: bool = False) -> Callable:
    """`module.function`, imported on its first call: loading the registry never pulls in a store's driver.
    one_report: the function returns one StoreReport, the protocol wants a list."""

    def call(*args, **kwargs):
        result = getattr(importlib.import_module(module), function)(*args, **kwargs)
        return [result] if one_report else result

    call.__name__ = call.__qualname__ = function
    return call
