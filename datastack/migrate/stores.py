"""One `migrate` over every store an environment declares (the registry's stores), each reporting its own changes."""

from __future__ import annotations

from ..endpoints import Endpoints
from ..services import declared_stores
from ..spec import EnvironmentSpec
from .report import MigrateOptions, StoreReport


def migrate_all(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], options: MigrateOptions,
                only: list[str] | None = None) -> list[StoreReport]:
    reports: list[StoreReport] = []
    unknown = sorted(set(only or ()) - {s.name for s in declared_stores(spec)})
    if unknown:  # a typo (or an instance of another environment) must not read as "nothing to do"
        from ..errors import UserError

        raise UserError(f"--store {unknown[0]!r} is not a store of this environment",
                        fix=f"use one of: {', '.join(s.name for s in declared_stores(spec))}")
    for service in declared_stores(spec):
        if only and service.name not in only:
            continue
        options.say(f"{service.name}: migrating")
        reports += service.store.migrate(spec, endpoints, secrets, options)
    return reports


def status_all(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str]) -> list[StoreReport]:
    reports: list[StoreReport] = []
    for service in declared_stores(spec):
        reports += service.store.status(spec, endpoints, secrets)
    return reports
