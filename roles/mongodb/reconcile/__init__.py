"""MongoDB migrations: declarative schema reconciler, versioned data migrations, one lease per database.

Entry points for `datastack migrate`, `migrate status` and `migrate down`. Imports stay lazy so that
loading a spec (which validates schema files) never pulls in pymongo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datastack.endpoints import Endpoints
    from datastack.spec import EnvironmentSpec
    from datastack.migrate.report import MigrateOptions, StoreReport


def migrate_mongodb(spec: "EnvironmentSpec", endpoints: "Endpoints", secrets: dict[str, str],
                    options: "MigrateOptions", *, connect_timeout_s: float | None = None,
                    lease_s: float | None = None) -> list["StoreReport"]:
    """Bring every declared database to its declared state; one report per database."""
    from .run import DEFAULT_CONNECT_TIMEOUT_S, DEFAULT_LEASE_S, connect, migrate_database, targets

    found = targets(spec, secrets)
    if not found:
        return []
    replica_set = bool(endpoints.mongodb and endpoints.mongodb.replica_set)
    with connect(spec, endpoints, secrets, connect_timeout_s or DEFAULT_CONNECT_TIMEOUT_S, options) as client:
        return [
            migrate_database(client, t, options, replica_set=replica_set, lease_s=lease_s or DEFAULT_LEASE_S)
            for t in found
        ]


def reconcile_mongodb_logins(spec: "EnvironmentSpec", endpoints: "Endpoints", secrets: dict[str, str],
                             options: "MigrateOptions") -> list["StoreReport"]:
    """Only the declared roles and users of every database: what an engine runs after MongoDB starts."""
    from .run import DEFAULT_CONNECT_TIMEOUT_S, connect, reconcile_logins, targets

    replica_set = bool(endpoints.mongodb and endpoints.mongodb.replica_set)
    with connect(spec, endpoints, secrets, DEFAULT_CONNECT_TIMEOUT_S, options) as client:
        return [reconcile_logins(client, t, options, replica_set=replica_set) for t in targets(spec, secrets)]


def mongodb_status(spec: "EnvironmentSpec", endpoints: "Endpoints", secrets: dict[str, str], *,
                   connect_timeout_s: float | None = None) -> list["StoreReport"]:
    """What a migrate would do (planned, drift, revision), without writing anything."""
    from datastack.migrate.report import MigrateOptions

    return migrate_mongodb(spec, endpoints, secrets, MigrateOptions(dry_run=True), connect_timeout_s=connect_timeout_s)


def mongodb_down(spec: "EnvironmentSpec", endpoints: "Endpoints", secrets: dict[str, str], database: str, to: str,
                 options: "MigrateOptions", *, connect_timeout_s: float | None = None) -> "StoreReport":
    """Roll back versioned migrations of one database until `to` (a number like 0001; 0000 undoes all)."""
    from datastack.errors import UserError
    from .run import DEFAULT_CONNECT_TIMEOUT_S, connect, roll_back_database, targets

    by_name = {t.name: t for t in targets(spec, secrets)}
    if database not in by_name:
        raise UserError(f"no MongoDB database {database!r} in this environment", fix=f"use one of: {', '.join(by_name) or '(none)'}")
    replica_set = bool(endpoints.mongodb and endpoints.mongodb.replica_set)
    with connect(spec, endpoints, secrets, connect_timeout_s or DEFAULT_CONNECT_TIMEOUT_S) as client:
        return roll_back_database(client, by_name[database], to, options, replica_set=replica_set)


__all__ = ["migrate_mongodb", "mongodb_status", "mongodb_down", "reconcile_mongodb_logins"]
