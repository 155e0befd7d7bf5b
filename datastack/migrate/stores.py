"""One `migrate` over every store an environment declares, each store reporting its own changes."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from ..endpoints import Endpoints
from ..spec import EnvironmentSpec
from .report import MigrateOptions, StoreReport

# store -> (module, migrate function, status function); imported only when the store is declared.
STORES: dict[str, tuple[str, str, str]] = {
    "mongodb": ("datastack.migrate.mongodb", "migrate_mongodb", "mongodb_status"),
    "postgres": ("datastack.migrate.postgres", "migrate_postgres", "postgres_status"),
    "redis": ("datastack.migrate.redis", "migrate_redis", "redis_status"),
}


def declared_stores(spec: EnvironmentSpec) -> list[str]:
    return [name for name in STORES if getattr(spec.services, name) is not None]


def _entry(store: str, which: int) -> Callable:
    module_name, *functions = STORES[store]
    return getattr(importlib.import_module(module_name), functions[which])


def _as_list(result) -> list[StoreReport]:
    return result if isinstance(result, list) else [result]


def migrate_all(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], options: MigrateOptions,
                only: list[str] | None = None) -> list[StoreReport]:
    reports: list[StoreReport] = []
    for store in declared_stores(spec):
        if only and store not in only:
            continue
        options.say(f"{store}: migrating")
        reports += _as_list(_entry(store, 0)(spec, endpoints, secrets, options))
    return reports


def status_all(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str]) -> list[StoreReport]:
    reports: list[StoreReport] = []
    for store in declared_stores(spec):
        reports += _as_list(_entry(store, 1)(spec, endpoints, secrets))
    return reports
