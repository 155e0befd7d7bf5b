"""Alembic, run programmatically: pending revisions, upgrade to head under the migration lock, status.

Migrations connect as the database owner so every table they create belongs to it (the app and
readonly roles get their rights from default privileges). Revisions commit one by one, so a
killed run resumes after the last committed revision.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from datastack.errors import RuntimeFailure
from datastack.migrate.fault_points import step_boundary
from datastack.migrate.report import Change, MigrateOptions, StoreReport
from .advisory_lock import advisory_lock, lock_key
from .settings import AlembicSettings

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import Script, ScriptDirectory
    from sqlalchemy.engine import Connection


def alembic_options(settings: AlembicSettings, schema: str) -> dict[str, Any]:
    options: dict[str, Any] = {"version_table": settings.version_table,
                               "transaction_per_migration": settings.transaction_per_migration}
    if schema != "public":
        options["version_table_schema"] = schema
    return options


def alembic_config(script_dir: Path, options: dict[str, Any], connection: "Connection | None" = None) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_dir))
    config.attributes["datastack"] = options
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory(script_dir: Path) -> "ScriptDirectory":
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(script_dir))


def current_heads(conn: "Connection", options: dict[str, Any]) -> tuple[str, ...]:
    from alembic.runtime.migration import MigrationContext

    opts = {k: options[k] for k in ("version_table", "version_table_schema") if k in options}
    heads = MigrationContext.configure(conn, opts=opts).get_current_heads()
    conn.rollback()  # the read autobegan a transaction; Alembic must start without one
    return heads


def pending_revisions(script: "ScriptDirectory", current: tuple[str, ...], label: str) -> list["Script"]:
    """Revisions between the database's heads and the scripts' head, oldest first."""
    from alembic.util import CommandError

    try:
        newest_first = list(script.iterate_revisions("heads", current or "base"))
    except CommandError as exc:
        raise RuntimeFailure(f"postgres {label}: database revision {','.join(current)} is unknown to {script.dir} ({exc})",
                             fix="check out the migrations that produced it, or stamp the database") from None
    return list(reversed(newest_first))


def revision_line(rev: "Script") -> str:
    return f"{rev.revision} {(rev.doc or '').strip()}".strip()


def upgrade_database(conn: "Connection", *, label: str, script_dir: Path, settings: AlembicSettings, schema: str,
                     options: MigrateOptions, report: StoreReport) -> None:
    """Bring one database to head (or list what would run); fills `report.planned/applied/revision`."""
    from sqlalchemy.exc import DBAPIError

    script = script_directory(script_dir)
    head = script.get_current_head()
    alembic_opts = alembic_options(settings, schema)

    def plan() -> list["Script"]:
        todo = pending_revisions(script, current_heads(conn, alembic_opts), label)
        report.planned += [Change(store="postgres", target=label, action="alembic_upgrade", detail=revision_line(r))
                           for r in todo]
        return todo

    if options.dry_run:
        plan()
        report.revision = {"current": _joined(current_heads(conn, alembic_opts)), "head": head}
        return
    with advisory_lock(conn, lock_key(settings.lock_namespace, label), timeout_s=options.lock_timeout_s,
                       label=label, say=options.say):
        todo = plan()  # read under the lock: a migrator that waited finds the database at head
        if todo:
            docs = {r.revision: revision_line(r) for r in todo}

            def applied(ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
                line = docs.get(step.up_revision_id, step.up_revision_id)
                report.applied.append(Change(store="postgres", target=label, action="alembic_upgrade",
                                             detail=line, applied=True))
                options.say(f"postgres {label}: upgraded to {line}")
                step_boundary()  # inside the revision's transaction, just before its commit

            config = alembic_config(script_dir, {**alembic_opts, "on_version_apply": applied}, conn)
            try:
                from alembic import command

                command.upgrade(config, "head")
            except DBAPIError as exc:
                done = {c.detail for c in report.applied}
                failed = next((line for line in docs.values() if line not in done), "?")
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
                raise RuntimeFailure(f"postgres {label}: revision {failed} failed: {reason}",
                                     fix="fix the revision and run again; earlier revisions are committed") from None
            conn.commit()
        report.revision = {"current": _joined(current_heads(conn, alembic_opts)), "head": head}


def database_revision(conn: "Connection", *, script_dir: Path, settings: AlembicSettings, schema: str) -> dict[str, str | None]:
    script = script_directory(script_dir)
    return {"current": _joined(current_heads(conn, alembic_options(settings, schema))), "head": script.get_current_head()}


def _joined(heads: tuple[str, ...]) -> str | None:
    return ",".join(heads) or None
