"""The declared state the checks iterate over, read through the migrators' own loaders.

`PARAMETERS` maps a test argument name to the list of (id, value) it is parametrized with, so each
declared collection (with its indexes), user or database is one check with a readable id.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .target import Target


def mongo_schemas(target: Target) -> dict:
    from roles.mongodb.reconcile.schema_file import load_schemas

    return load_schemas(target.spec)


def _mongo_databases(target: Target) -> list[tuple[str, Any]]:
    mongo = target.spec.services.mongodb
    return [(name, name) for name in mongo.databases] if mongo else []


def _mongo_collections(target: Target) -> list[tuple[str, Any]]:
    if target.spec.services.mongodb is None:
        return []
    return [(f"{db}.{name}", (db, name, spec))
            for db, schema in mongo_schemas(target).items() for name, spec in schema.collections.items()]


def _mongo_users(target: Target) -> list[tuple[str, Any]]:
    mongo = target.spec.services.mongodb
    return [(f"{db}.{u.name}", (db, u)) for db, d in mongo.databases.items() for u in d.users] if mongo else []


def _postgres_databases(target: Target) -> list[tuple[str, Any]]:
    pg = target.spec.services.postgres
    return [(name, (name, db)) for name, db in pg.databases.items()] if pg else []


def _postgres_users(target: Target) -> list[tuple[str, Any]]:
    pg = target.spec.services.postgres
    return [(u.name, (db, u)) for db, d in pg.databases.items() for u in d.users] if pg else []


def _redis_users(target: Target) -> list[tuple[str, Any]]:
    redis = target.spec.services.redis
    return [(u.name, u) for u in redis.users] if redis else []


def _apps(target: Target) -> list[tuple[str, Any]]:
    return [(a.name, a) for a in target.spec.services.apps]


PARAMETERS: dict[str, Callable[[Target], list[tuple[str, Any]]]] = {
    "mongo_database": _mongo_databases,
    "mongo_collection": _mongo_collections,
    "mongo_user": _mongo_users,
    "postgres_database": _postgres_databases,
    "postgres_user": _postgres_users,
    "redis_user": _redis_users,
    "app": _apps,
}

# Critical queries, seeds and references live in their own module (issue 16).
from .declared_integrity import INTEGRITY_PARAMETERS  # noqa: E402

PARAMETERS.update(INTEGRITY_PARAMETERS)
