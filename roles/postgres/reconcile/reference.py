"""The declared structure of a PostgreSQL database: what its Alembic scripts produce at head.

Built in a scratch database on the same server (`_datastack_ref_<db>_<random>`, owned by the
database's owner role), prepared and upgraded by the migrator's own functions, snapshotted, then
dropped. The snapshot is cached in the environment's state dir, keyed by a hash of the Alembic
scripts, so only a changed revision rebuilds it. `check` compares the live structure with it;
`migrate` recreates the indexes it declares that are missing live (see indexes.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets as random
from pathlib import Path

from datastack.endpoints import Endpoints
from datastack.paths import PROJECT_ROOT
from datastack.spec import EnvironmentSpec

from .catalog_snapshot import catalog_snapshot

FORMAT = 1  # bump when the snapshot's shape or normalisation changes: old caches stop matching
REFERENCE_PREFIX = "_datastack_ref_"
# Revisions import the shared column builders, so they are part of what a revision produces.
SHARED_BUILDERS = PROJECT_ROOT / "roles" / "postgres" / "reconcile" / "columns.py"


def scripts_key(script_dir: Path, schema: str, extensions: list[str]) -> str:
    """A hash of everything the reference depends on: the Alembic scripts, their builders, schema and extensions."""
    digest = hashlib.sha256(json.dumps([FORMAT, schema, sorted(extensions)]).encode())
    files = sorted(p for p in script_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files + [SHARED_BUILDERS]:
        digest.update(str(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_path(state_dir: Path, database: str, server: str = "postgres") -> Path:
    return state_dir / "checks" / f"{server}-structure-{database}.json"  # each instance caches its own


def load_cached(path: Path, key: str) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data.get("snapshot") if data.get("key") == key else None


def save_cached(path: Path, key: str, snapshot: dict) -> None:
    """Best effort, atomic, 0644 (structure only, no secrets): a failed write only costs a rebuild next run."""
    try:
        path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"key": key, "snapshot": snapshot}, indent=1, sort_keys=True) + "\n")
        temporary.chmod(0o644)
        os.replace(temporary, path)
    except OSError:
        pass


def cached_reference(spec: EnvironmentSpec, state_dir: Path, database: str) -> tuple[Path, str, dict | None]:
    """Where the reference of `database` is cached, its key, and the cached snapshot if it matches the scripts."""
    db = spec.services.postgres.databases[database]
    key = scripts_key(PROJECT_ROOT / db.alembic, db.schema_name, db.extensions)
    path = cache_path(state_dir, database, spec.services.postgres.declared_as("postgres"))
    return path, key, load_cached(path, key)


def reference_structure(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], state_dir: Path,
                        database: str, ledger: str) -> dict:
    """The cached reference snapshot, or a freshly built (and cached) one. Building writes a scratch database."""
    path, key, cached = cached_reference(spec, state_dir, database)
    if cached is not None:
        return cached
    snapshot = build_reference(spec, endpoints, secrets, database, ledger)
    save_cached(path, key, snapshot)
    return snapshot


def build_reference(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], database: str,
                    ledger: str) -> dict:
    """Create a scratch database, migrate it to head as `datastack migrate` would, snapshot it, drop it."""
    from psycopg import sql

    from .connect import connect

    pg = spec.services.postgres
    db = pg.databases[database]
    owner = db.owner.name if db.owner else pg.superuser.name
    scratch = f"{REFERENCE_PREFIX}{database}_{random.token_hex(4)}"[:63]
    with connect(spec, endpoints, secrets, database="postgres") as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(scratch), sql.Identifier(owner)))
        try:
            _migrate_to_head(spec, endpoints, secrets, database, scratch, owner)
            with connect(spec, endpoints, secrets, database=scratch) as conn:
                return catalog_snapshot(conn, db.schema_name, ledger)
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))


def _migrate_to_head(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], database: str,
                     scratch: str, owner: str) -> None:
    """The per-database part of `migrate_postgres` that shapes tables: schema, search path, extensions, Alembic."""
    from datastack.migrate.report import MigrateOptions, StoreReport

    from .alembic_runner import upgrade_database
    from .connect import connect, engine_for, open_sqlalchemy
    from .extensions import extension_steps
    from .privileges import schema_steps
    from .roles import search_path_steps
    from .settings import load_alembic_settings
    from .steps import run_steps

    db = spec.services.postgres.databases[database]
    roles = db.access_by_role()
    options, report = MigrateOptions(), StoreReport(store="postgres", database=scratch)
    with connect(spec, endpoints, secrets, database=scratch) as conn:
        steps = (search_path_steps(conn, scratch, db.schema_name, list(roles))
                 + schema_steps(conn, scratch, db.schema_name, owner, roles)
                 + extension_steps(conn, scratch, db.extensions)[0])
        run_steps(conn, steps, report, options)
    engine = engine_for(spec, endpoints, secrets, database=scratch, user=db.owner.name if db.owner else None)
    try:
        with open_sqlalchemy(engine, spec, endpoints, scratch) as conn:
            upgrade_database(conn, label=scratch, script_dir=PROJECT_ROOT / db.alembic, settings=load_alembic_settings(),
                             schema=db.schema_name, options=options, report=report)
    finally:
        engine.dispose()
