"""Alembic, run programmatically: pending revisions, upgrade to head (or downgrade to a revision) under the
migration lock, status.

Migrations connect as the database owner so every table they create belongs to it (the app and
readonly roles get their rights from default privileges). Revisions commit one by one, so a
killed run resumes after the last committed revision.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datastack.errors import RuntimeFailure, UserError
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
    return list(reversed(_revisions_between(script, "heads", current or "base", label, current)))


def revision_line(rev: "Script") -> str:
    return f"{rev.revision} {(rev.doc or '').strip()}".strip()


def upgrade_database(conn: "Connection", *, label: str, script_dir: Path, settings: AlembicSettings, schema: str,
                     options: MigrateOptions, report: StoreReport) -> None:
    """Bring one database to head (or list what would run); fills `report.planned/applied/revision`."""
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

            _run_alembic(conn, script_dir, {**alembic_opts, "on_version_apply": applied}, "upgrade", "head",
                         docs, report, failed=lambda line: RuntimeFailure(
                             f"postgres {label}: revision {line}",
                             fix="fix the revision and run again; earlier revisions are committed"))
        report.revision = {"current": _joined(current_heads(conn, alembic_opts)), "head": head}


def downgrade_database(conn: "Connection", *, label: str, server: str, script_dir: Path, settings: AlembicSettings,
                       schema: str, to: str, options: MigrateOptions, report: StoreReport) -> None:
    """Roll one database back until `to` (a revision, a unique prefix of one, or base): each revision's downgrade in
    its own transaction, under the same Alembic lock as upgrade. Fills `report.applied/revision`."""
    script = script_directory(script_dir)
    target = _down_target(script, to, server, label)  # before any lock: an unknown revision changes nothing
    alembic_opts = alembic_options(settings, schema)
    with advisory_lock(conn, lock_key(settings.lock_namespace, label), timeout_s=options.lock_timeout_s,
                       label=label, say=options.say):
        current = current_heads(conn, alembic_opts)  # read under the lock: an upgrade that held it has finished
        todo = _revisions_to_undo(script, current, target, server, label)
        docs = {r.revision: revision_line(r) for r in todo}
        reached = [_joined(current) or "base"]

        def undone(ctx: Any, step: Any, heads: Any, run_args: Any) -> None:
            line = docs.get(step.up_revision_id, step.up_revision_id)
            below = ",".join(step.down_revision_ids) or "base"
            report.applied.append(Change(store="postgres", target=label, action="alembic_downgrade",
                                         detail=line, applied=True))
            options.say(f"{server} {label}: downgraded from {step.up_revision_id} to {below}")
            reached[0] = below
            step_boundary()  # inside the revision's transaction, just before its commit

        _run_alembic(conn, script_dir, {**alembic_opts, "on_version_apply": undone}, "downgrade",
                     target.revision if target else "base", docs, report, failed=lambda line: RuntimeFailure(
                         f"{server} {label}: the downgrade of revision {line}",
                         fix=f"the database stays at {reached[0]} (each downgrade commits on its own): "
                             "fix that revision's downgrade() and run migrate down again"))
        report.revision = {"current": _joined(current_heads(conn, alembic_opts)), "head": script.get_current_head()}


def _run_alembic(conn: "Connection", script_dir: Path, alembic_opts: dict[str, Any], direction: str, target: str,
                 docs: dict[str, str], report: StoreReport, failed: "Callable[[str], RuntimeFailure]") -> None:
    """`alembic upgrade|downgrade target` on `conn`; a failing revision becomes one line naming it (`failed`)."""
    from sqlalchemy.exc import DBAPIError

    config = alembic_config(script_dir, alembic_opts, conn)
    try:
        from alembic import command

        getattr(command, direction)(config, target)
    except (DBAPIError, NotImplementedError) as exc:  # NotImplementedError: an irreversible revision's downgrade
        done = {c.detail for c in report.applied}
        line = next((line for line in docs.values() if line not in done), "?")
        cause = getattr(exc, "orig", None) or exc
        reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        raise failed(f"{line} failed: {reason}") from None
    conn.commit()


def _down_target(script: "ScriptDirectory", to: str, server: str, label: str) -> "Script | None":
    """`--to` as Alembic reads it: a revision id, a unique prefix of one, or base (None)."""
    from alembic.util import CommandError

    if to == "base":
        return None
    try:
        target = script.get_revision(to) if to.strip() else None
    except CommandError as exc:
        target = None
        reason = str(exc).strip().splitlines()[0]
    else:
        reason = "no such revision"
    if target is None:
        raise UserError(f"{server} {label}: --to {to!r} is not a revision of {script.dir} ({reason})",
                        fix="give a revision 'datastack migrate status' shows, a unique prefix of one, or base")
    return target


def _revisions_to_undo(script: "ScriptDirectory", current: tuple[str, ...], target: "Script | None", server: str,
                       label: str) -> list["Script"]:
    """The applied revisions above `target`, newest first; refused unless `target` is below the current revision."""
    here = _joined(current) or "base"
    if not current or (target is not None and target.revision in current):
        raise UserError(f"{server} {label}: nothing to roll back: the database is at {here}",
                        fix="give --to a revision below it ('datastack migrate status' shows the current one)")
    applied = [r.revision for r in _revisions_between(script, current, "base", label, current)]
    if target is not None and target.revision not in applied:
        raise UserError(f"{server} {label}: {target.revision} is not below the database's revision {here}",
                        fix="migrate down only rolls back; 'datastack migrate' upgrades to head")
    return _revisions_between(script, current, target.revision if target else "base", label, current)


def _revisions_between(script: "ScriptDirectory", upper: "str | tuple[str, ...]", lower: "str | tuple[str, ...]",
                       label: str, current: tuple[str, ...]) -> list["Script"]:
    """Revisions from `upper` down to (not including) `lower`, newest first; `current` is the database's."""
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError

    try:
        return list(script.iterate_revisions(upper, lower))
    except (CommandError, RevisionError) as exc:
        raise RuntimeFailure(f"postgres {label}: database revision {','.join(current)} is unknown to {script.dir} ({exc})",
                             fix="check out the migrations that produced it, or stamp the database") from None


def database_revision(conn: "Connection", *, script_dir: Path, settings: AlembicSettings, schema: str) -> dict[str, str | None]:
    script = script_directory(script_dir)
    return {"current": _joined(current_heads(conn, alembic_options(settings, schema))), "head": script.get_current_head()}


def _joined(heads: tuple[str, ...]) -> str | None:
    return ",".join(heads) or None
