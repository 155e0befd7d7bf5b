"""migrate, migrate status, migrate down: bring every store to the declared state and say what changed."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import UserError
from ..migrate.report import MigrateOptions, StoreReport
from ..session import Session
from .common import EnvOption, FromStackOption, JsonOption, SpecOption, console, handle_errors, print_json, say

migrate_app = typer.Typer(help="Migrate every store to the declared state.",
                          invoke_without_command=True, no_args_is_help=False)
StoreOption = Annotated[Optional[list[str]], typer.Option("--store", help="only these stores (repeatable)")]


@migrate_app.callback()
@handle_errors
def migrate(ctx: typer.Context, env: EnvOption = None, spec: SpecOption = None, as_json: JsonOption = False,
            dry_run: Annotated[bool, typer.Option("--dry-run", help="plan only; change nothing")] = False,
            rebuild_indexes: Annotated[bool, typer.Option("--rebuild-indexes", help="rebuild indexes whose options drifted")] = False,
            prune: Annotated[bool, typer.Option("--prune", help="drop live indexes the spec does not declare")] = False,
            repair: Annotated[bool, typer.Option("--repair", help="accept changed checksums of applied migrations; re-run an interrupted non-idempotent one")] = False,
            lock_timeout: Annotated[float, typer.Option(help="seconds to wait for another migrator")] = 60.0,
            store: StoreOption = None, from_stack: FromStackOption = None):
    """Migrate every store of the environment (when no sub-command is given)."""
    if ctx.invoked_subcommand is not None:
        return
    from ..migrate.stores import migrate_all

    session = Session.open(env, spec, from_stack)
    options = MigrateOptions(dry_run=dry_run, rebuild_indexes=rebuild_indexes, prune=prune, repair=repair,
                             lock_timeout_s=lock_timeout, progress=say)
    reports = migrate_all(session.spec, session.endpoints(), session.secrets(), options, only=store)
    show_reports(reports, as_json, dry_run=dry_run)


@migrate_app.command("status")
@handle_errors
def status(env: EnvOption = None, spec: SpecOption = None, as_json: JsonOption = False,
           from_stack: FromStackOption = None):
    """Each store's revision (current vs head) and what a migrate would change."""
    from ..migrate.stores import status_all

    session = Session.open(env, spec, from_stack)
    reports = status_all(session.spec, session.endpoints(), session.secrets())
    show_reports(reports, as_json, dry_run=True)


@migrate_app.command("down")
@handle_errors
def down(to: Annotated[str, typer.Option("--to", help="roll back until this revision (as `migrate status` names them)")],
         env: EnvOption = None, spec: SpecOption = None, as_json: JsonOption = False,
         database: Annotated[Optional[str], typer.Option(help="database to roll back (default: the only one)")] = None,
         store: Annotated[Optional[str], typer.Option(help="a store that can roll back (default: the only one, "
                                                           "or the only one declaring --database)")] = None,
         lock_timeout: Annotated[float, typer.Option(help="seconds to wait for another migrator")] = 60.0):
    """Roll a database back to an earlier revision."""
    from ..services import declared_stores

    session = Session.open(env, spec)
    options = MigrateOptions(lock_timeout_s=lock_timeout, progress=say)
    sections = session.spec.services.sections()
    can_roll_back = [s for s in declared_stores(session.spec) if s.store.roll_back is not None]  # instances too

    def databases(service) -> list[str]:
        return list(getattr(sections.get(service.spec_key or service.name), "databases", None) or {})

    candidates = [s for s in can_roll_back if database in databases(s)] if database and store is None else []
    if store is None and len(candidates or can_roll_back) == 1:
        store = (candidates or can_roll_back)[0].name
    service = next((s for s in can_roll_back if s.name == store), None)
    if service is None:
        raise UserError(f"store {store!r} cannot roll back here" if store else "several stores can roll back",
                        fix=f"pass --store, one of: {', '.join(s.name for s in can_roll_back) or '(none)'}")
    report = service.store.roll_back(session.spec, session.endpoints(), session.secrets(),
                                     _one(database, databases(service), store), to, options)
    show_reports([report], as_json, dry_run=False)


def _one(database: str | None, databases: list[str], store: str) -> str:
    if database:
        return database
    if len(databases) == 1:
        return databases[0]
    raise UserError(f"{store} has several databases: {', '.join(databases) or 'none'}", fix="pass --database NAME")


def show_reports(reports: list[StoreReport], as_json: bool, *, dry_run: bool) -> None:
    if as_json:
        print_json({
            "dry_run": dry_run,
            "stores": [{**r.model_dump(), "counts": r.counts} for r in reports],
            "totals": {k: sum(r.counts[k] for r in reports) for k in ("planned", "applied", "drift")},
        })
        return
    table = Table(title="migrate" + (" (dry run)" if dry_run else ""))
    for column in ("store", "database", "planned", "applied", "drift", "revision"):
        table.add_column(column)
    for r in reports:
        revision = " → ".join(str(v) for v in (r.revision.get("current"), r.revision.get("head")) if v is not None) if r.revision else ""
        table.add_row(r.store, r.database or "", str(len(r.planned)), str(len(r.applied)),
                      f"[yellow]{len(r.drift)}[/]" if r.drift else "0", revision)
    console.print(table)
    for r in reports:
        for change in (r.applied if not dry_run else r.planned):
            console.print(f"  {r.store}/{r.database or '-'}: {change.action} {change.target} {change.detail}".rstrip(), markup=False)
        for line in r.drift:
            console.print(f"  [yellow]drift[/] {r.store}/{escape(r.database or '-')}: {escape(line)}")
        for note in r.notes:
            console.print(f"  [dim]{escape(note)}[/]")
    if not any(r.planned or r.applied for r in reports):
        console.print("[green]nothing to do[/]: every store is at its declared state")
