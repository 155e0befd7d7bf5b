"""Versioned data migrations: `NNNN_slug.py` files with `up(db)`, `down(db)` and a docstring.

They live beside the schema file and run in order after the reconciler. The ledger
(`_datastack.migrations`, one document per database and migration, administrators only) records each
one: name, checksum, applied_at, duration, run id and the fencing token of the lease it ran under.
An entry is written as `applying` before `up` runs and flipped to `applied` after, so a run killed in
the middle leaves a visible trace. The next run re-runs that migration when `up` is idempotent (the
default; prove it with a test that runs it twice), and otherwise (`IDEMPOTENT = False` in the file)
stops and asks for `--repair` after a person has looked at what the interrupted run left.

Every ledger write is fenced: it matches only an entry written under the same or an older token, so
a migrator that lost its lease cannot overwrite what the new owner wrote (DuplicateKeyError on the
upsert, turned into LeaseLost).
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from datastack.errors import UserError
from datastack.migrate.fault_points import step_boundary
from .lease import STATE_DATABASE, Lease
from datastack.paths import display

LEDGER = "migrations"  # in lease.STATE_DATABASE
LEGACY_LEDGER, LEGACY_LEASES = "_datastack_migrations", "_datastack_lock"  # before issue 14: in the app database
FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.py$")


@dataclass(frozen=True)
class MigrationFile:
    name: str  # "0001_stamp_seed_timestamps"
    number: str  # "0001"
    path: Path
    checksum: str

    def load(self) -> ModuleType:
        spec = importlib.util.spec_from_file_location(f"datastack_migration_{self.name}_{self.checksum[:8]}", self.path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for fn in ("up", "down"):
            if not callable(getattr(module, fn, None)):
                raise UserError(f"migration has no {fn}(db) function", where=display(self.path), fix=f"define def {fn}(db): ...")
        if not (module.__doc__ or "").strip():
            raise UserError("migration has no docstring", where=display(self.path), fix="say in one line what it changes and why")
        return module


def discover(directory: Path | None) -> list[MigrationFile]:
    if directory is None or not directory.is_dir():
        return []
    found: dict[str, MigrationFile] = {}
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        match = FILE_NAME.match(path.name)
        if not match:
            raise UserError(f"{path.name} is not named NNNN_slug.py", where=display(directory),
                            fix="rename it, e.g. 0003_backfill_fees.py (four digits, lower-case slug)")
        number = match.group(1)
        if number in found:
            raise UserError(f"two migrations numbered {number}: {found[number].path.name} and {path.name}",
                            where=display(directory), fix="renumber one of them")
        found[number] = MigrationFile(path.stem, number, path, hashlib.sha256(path.read_bytes()).hexdigest())
    return [found[n] for n in sorted(found)]


def ledger_collection(db):
    """The ledger of every database, beside the lease; `db` is the migrated database."""
    return db.client.get_database(STATE_DATABASE, write_concern=db.write_concern)[LEDGER]


def read_ledger(db) -> dict[str, dict]:
    return {doc["name"]: doc for doc in ledger_collection(db).find({"database": db.name})}


def adopt_legacy_ledger(db, lease: Lease) -> int:
    """Move a ledger kept in the application database (where its users could forge it) to the state database."""
    names = db.list_collection_names(filter={"name": {"$in": [LEGACY_LEDGER, LEGACY_LEASES]}})
    moved = 0
    if LEGACY_LEDGER in names:
        for doc in db[LEGACY_LEDGER].find({}):
            name = doc.pop("_id")
            lease.fence()
            _fenced_write(db, name, lease, {"$setOnInsert": {**doc, "database": db.name, "name": name, "adopted": True}})
            moved += 1
        db.drop_collection(LEGACY_LEDGER)
    if LEGACY_LEASES in names:
        db.drop_collection(LEGACY_LEASES)
    return moved


def _entry_id(db, name: str) -> str:
    return f"{db.name}/{name}"


def _fenced_write(db, name: str, lease: Lease, update: dict) -> None:
    """Apply `update` to the ledger entry unless a newer lease token wrote it (then LeaseLost)."""
    from pymongo.errors import DuplicateKeyError

    update = {**update, "$set": {**update.get("$set", {}), "token": lease.token}}
    mine = {"_id": _entry_id(db, name), "$or": [{"token": {"$lte": lease.token}}, {"token": {"$exists": False}}]}
    try:
        ledger_collection(db).update_one(mine, update, upsert=True)
    except DuplicateKeyError:
        raise lease.lost() from None


@dataclass
class Pending:
    to_apply: list[MigrationFile]
    checksum_changed: list[MigrationFile]
    missing_files: list[str]
    interrupted: list[MigrationFile]  # left `applying` by a run that died inside up()


def pending(files: list[MigrationFile], ledger: dict[str, dict]) -> Pending:
    to_apply, changed, interrupted = [], [], []
    for f in files:
        entry = ledger.get(f.name)
        if entry is None or entry.get("state") != "applied":
            to_apply.append(f)
            if entry is not None and entry.get("state") == "applying":
                interrupted.append(f)
        elif entry.get("checksum") != f.checksum:
            changed.append(f)
    names = {f.name for f in files}
    return Pending(to_apply, changed, sorted(n for n in ledger if n not in names), interrupted)


def is_idempotent(migration: MigrationFile) -> bool:
    return getattr(migration.load(), "IDEMPOTENT", True) is not False


def apply_migration(db, migration: MigrationFile, lease: Lease) -> float:
    module = migration.load()
    started = time.monotonic()
    lease.fence()
    _fenced_write(db, migration.name, lease, {"$set": {
        "database": db.name, "name": migration.name, "number": migration.number, "checksum": migration.checksum,
        "state": "applying", "started_at": datetime.now(UTC), "run_id": lease.run_id}})
    step_boundary()
    module.up(db)
    step_boundary()
    duration = round(time.monotonic() - started, 3)
    lease.fence()
    _fenced_write(db, migration.name, lease, {"$set": {"state": "applied", "applied_at": datetime.now(UTC),
                                                         "duration_s": duration}})
    return duration


def roll_back(db, migration: MigrationFile, lease: Lease) -> None:
    module = migration.load()
    lease.fence()
    _fenced_write(db, migration.name, lease, {"$set": {"state": "rolling_back"}})
    module.down(db)
    lease.fence()
    ledger_collection(db).delete_one({"_id": _entry_id(db, migration.name), "token": lease.token})


def accept_checksum(db, migration: MigrationFile, lease: Lease) -> None:
    lease.fence()
    _fenced_write(db, migration.name, lease, {"$set": {"checksum": migration.checksum, "repaired_by": lease.run_id}})


def current_revision(ledger: dict[str, dict]) -> str | None:
    applied = sorted(name for name, doc in ledger.items() if doc.get("state") == "applied")
    return applied[-1] if applied else None
