"""Versioned data migrations: `NNNN_slug.py` files with `up(db)`, `down(db)` and a docstring.

They live beside the schema file and run in order after the reconciler. The ledger collection
`_datastack_migrations` records each one (name, checksum, applied_at, duration, run id). An entry
is written as `applying` before `up` runs and flipped to `applied` after, so a run killed in the
middle leaves a visible trace and the next run re-runs that migration (write `up` idempotently).
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
from datastack.paths import display

LEDGER = "_datastack_migrations"
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


def read_ledger(db) -> dict[str, dict]:
    return {doc["_id"]: doc for doc in db[LEDGER].find({})}


@dataclass
class Pending:
    to_apply: list[MigrationFile]
    checksum_changed: list[MigrationFile]
    missing_files: list[str]


def pending(files: list[MigrationFile], ledger: dict[str, dict]) -> Pending:
    to_apply, changed = [], []
    for f in files:
        entry = ledger.get(f.name)
        if entry is None or entry.get("state") != "applied":
            to_apply.append(f)
        elif entry.get("checksum") != f.checksum:
            changed.append(f)
    names = {f.name for f in files}
    return Pending(to_apply, changed, sorted(n for n in ledger if n not in names))


def apply_migration(db, migration: MigrationFile, run_id: str) -> float:
    module = migration.load()
    started = time.monotonic()
    db[LEDGER].replace_one(
        {"_id": migration.name},
        {"number": migration.number, "checksum": migration.checksum, "state": "applying",
         "started_at": datetime.now(UTC), "run_id": run_id},
        upsert=True,
    )
    module.up(db)
    duration = round(time.monotonic() - started, 3)
    db[LEDGER].update_one(
        {"_id": migration.name},
        {"$set": {"state": "applied", "applied_at": datetime.now(UTC), "duration_s": duration}},
    )
    return duration


def roll_back(db, migration: MigrationFile) -> None:
    module = migration.load()
    db[LEDGER].update_one({"_id": migration.name}, {"$set": {"state": "rolling_back"}})
    module.down(db)
    db[LEDGER].delete_one({"_id": migration.name})


def accept_checksum(db, migration: MigrationFile, run_id: str) -> None:
    db[LEDGER].update_one({"_id": migration.name}, {"$set": {"checksum": migration.checksum, "repaired_by": run_id}})


def current_revision(ledger: dict[str, dict]) -> str | None:
    applied = sorted(name for name, doc in ledger.items() if doc.get("state") == "applied")
    return applied[-1] if applied else None
