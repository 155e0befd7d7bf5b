"""Indexes the Alembic scripts create at head but that are missing live (dropped by hand): recreated by `migrate`.

Alembic at head applies nothing, so without this a hand-dropped index stays missing. The definition is the
reference database's own (`pg_get_indexdef`, cached by a hash of the scripts, see reference.py), run with the
search path set to the live schema (an Identifier), so it lands on the live table. Only indexes: missing
columns, constraints or tables stay drift for `check` to report (a new revision is their fix).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from datastack.endpoints import Endpoints
from datastack.migrate.report import MigrateOptions, StoreReport
from datastack.spec import EnvironmentSpec

from .steps import Step, run_steps

if TYPE_CHECKING:
    import psycopg

# What pg_get_indexdef prints (one statement, no schema once unqualified); anything else in a cache is refused.
_INDEXDEF = re.compile(r'^CREATE (UNIQUE )?INDEX ("[^"]+"|\w+) ON (ONLY )?("[^"]+"|\w+) USING [^;]+$')


def restore_missing_indexes(conn: "psycopg.Connection", spec: EnvironmentSpec, endpoints: Endpoints,
                            secrets: dict[str, str], state_dir: Path, db_name: str, ledger: str,
                            report: StoreReport, options: MigrateOptions) -> None:
    """Plan (and unless dry-running, create) the declared indexes missing from a database at its Alembic head."""
    from .reference import cached_reference, reference_structure

    db = spec.services.postgres.databases[db_name]
    if db.alembic is None or report.revision.get("current") != report.revision.get("head"):
        return  # behind head: the pending revisions create their indexes
    if options.dry_run:
        reference = cached_reference(spec, state_dir, db_name)[2]
        if reference is None:
            report.notes.append("index comparison skipped: the declared structure of these Alembic scripts is not "
                                "cached and building it writes a scratch database (migrate or check builds it)")
            return
    else:
        reference = reference_structure(spec, endpoints, secrets, state_dir, db_name, ledger)
    steps, notes = missing_index_steps(conn, db_name, db.schema_name, reference["indexes"])
    report.notes += notes
    for step in steps:
        with conn.transaction():  # SET LOCAL search_path and CREATE INDEX together
            run_steps(conn, [step], report, options)


def missing_index_steps(conn: "psycopg.Connection", db_name: str, schema: str,
                        declared: dict[str, dict[str, str]]) -> tuple[list[Step], list[str]]:
    from psycopg import sql

    present = {row[0] for row in conn.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = %s)",
        (schema,))}
    steps, notes = [], []
    for table, indexes in sorted(declared.items()):
        if table not in present:
            continue  # a missing table is structure drift, not ours to repair
        for name, definition in sorted(indexes.items()):
            if name in present:
                continue  # present (a changed definition is drift, reported by check)
            if not _INDEXDEF.match(definition):
                notes.append(f"index {table}.{name}: the reference definition is not a plain CREATE INDEX, not recreated")
                continue
            steps.append(Step(target=f"{db_name}.{table}", action="create_index",
                              detail=f"{name} (missing; declared by the Alembic scripts at head)",
                              statements=[sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)),
                                          sql.SQL(definition)]))
    return steps, notes
