"""up, down, status, logs, uri, plan, schema: the life of an environment."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from ..credentials import service_uri
from ..errors import UserError
from ..session import Session
from ..state_dir import check_purgeable, claim as claim_state_dir
from .common import EnvOption, FromStackOption, JsonOption, SpecOption, console, handle_errors, print_json, say

ENGINES = ("local", "docker", "pulumi")


def engine_for(session: Session, engine: str | None, secrets: dict[str, str], *, issue_tls: bool = False):
    """issue_tls: `up` makes (or renews) generated certificates; other commands only read them."""
    name = engine or session.spec.engine
    if name not in ENGINES:
        raise UserError(f"unknown engine {name!r}", fix=f"use one of: {', '.join(ENGINES)}")
    if name == "local":
        from ..engines.local import LocalEngine

        return LocalEngine(session.spec, session.plan(secrets, issue_tls=issue_tls), secrets, say=say)
    if name == "docker":
        try:
            from ..engines.docker import DockerEngine
        except ImportError:
            raise UserError("the docker engine is not available in this build", fix="use --engine local") from None
        return DockerEngine(session.spec, session.plan(secrets, target="container", issue_tls=issue_tls), secrets, say=say)
    raise UserError("the pulumi engine runs through the Pulumi CLI", fix="run 'pulumi up --stack <env>' (see README)")


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def up(env: EnvOption = None, spec: SpecOption = None,
           engine: Annotated[Optional[str], typer.Option(help="local | docker (default: the spec's engine)")] = None):
        """Bring the environment up (idempotent: unchanged services are left running)."""
        started = time.monotonic()
        session = Session.open(env, spec)
        if (engine or session.spec.engine) == "pulumi":
            from ..tls import refuse_tls_on

            refuse_tls_on(session.spec, "pulumi", session.spec_path)  # before any write
        claim_state_dir(session.state_dir, session.spec)  # before anything is written under it
        secrets = session.secrets(generate=True)
        if (engine or session.spec.engine) == "local":
            from ..services import declared_services

            for service in declared_services(session.spec):
                if service.prepare_local is not None:
                    service.prepare_local(session.spec, say)
        runner = engine_for(session, engine, secrets, issue_tls=True)
        for note in runner.plan.notes:
            console.print(f"[yellow]note:[/] {escape(note)}")
        outcome = runner.up(session.endpoints_for_engine(runner))
        for name, verb in outcome.items():
            colour = "dim" if verb == "unchanged" else "green"
            console.print(f"[{colour}]{name:<16} {verb}[/]")
        console.print(f"[bold green]{session.spec.name} is up[/] ({time.monotonic() - started:.1f}s)")

    @app.command()
    @handle_errors
    def down(env: EnvOption = None, spec: SpecOption = None,
             purge: Annotated[bool, typer.Option("--purge", help="also delete data, config and generated secrets")] = False,
             engine: Annotated[Optional[str], typer.Option(help="local | docker")] = None):
        """Stop the environment; data is kept unless --purge."""
        session = Session.open(env, spec, expired_certificates_ok=True)
        if purge and session.state_dir.exists():
            check_purgeable(session.state_dir, session.spec)  # refused before anything is stopped
        secrets = session.secrets_or_masked()
        runner = engine_for(session, engine, secrets)
        stopped = runner.down(purge=purge)
        console.print(f"stopped: {', '.join(stopped) or 'nothing was running'}")
        if purge:
            console.print(f"[bold]purged[/] state of {session.spec.name}")

    @app.command()
    @handle_errors
    def status(env: EnvOption = None, spec: SpecOption = None, as_json: JsonOption = False,
               engine: Annotated[Optional[str], typer.Option(help="local | docker")] = None):
        """What runs, where, and whether it matches the spec."""
        session = Session.open(env, spec, expired_certificates_ok=True)
        runner = engine_for(session, engine, session.secrets_or_masked())
        states = runner.status()
        all_running = all(s.state == "running" for s in states)
        if as_json:
            print_json({"environment": session.spec.name, "engine": runner.name, "all_running": all_running,
                        "state_dir": str(session.state_dir), "services": [s.__dict__ for s in states],
                        "notes": runner.plan.notes})
            if not all_running:
                raise typer.Exit(1)
            return
        table = Table(title=f"{session.spec.name} ({runner.name} engine)")
        for column in ("service", "runs", "state", "pid", "ports", "config"):
            table.add_column(column)
        for s in states:
            colour = {"running": "green", "stopped": "dim", "dead": "red"}.get(s.state, "yellow")
            config = "" if s.config_current is None else ("current" if s.config_current else "[yellow]changed[/]")
            table.add_row(s.name, s.implementation, f"[{colour}]{s.state}[/]", str(s.pid or ""),
                          ",".join(map(str, s.ports)), config)
        console.print(table)
        console.print(f"state: {session.state_dir}", markup=False)
        for note in runner.plan.notes:
            console.print(f"[yellow]note:[/] {escape(note)}")
        if not all_running:
            raise typer.Exit(1)

    @app.command()
    @handle_errors
    def logs(service: Annotated[str, typer.Argument(help="service name, or a role for all its members")],
             env: EnvOption = None, spec: SpecOption = None,
             lines: Annotated[int, typer.Option("--lines", "-n")] = 50,
             follow: Annotated[bool, typer.Option("--follow", "-f")] = False):
        """Show a service's log."""
        from ..engines.local.process import tail

        session = Session.open(env, spec, expired_certificates_ok=True)
        plan = session.display_plan()
        chosen = [s for s in plan.services if s.name == service or s.role == service]
        if not chosen:
            raise UserError(f"no service {service!r}", fix=f"use one of: {', '.join(s.name for s in plan.services)}")
        for svc in chosen:
            path = Path(svc.log_file) if svc.log_file else None
            if path is None or not path.exists():
                raise UserError(f"{svc.name} has no log yet at {path}", fix=f"run 'datastack up {session.spec.selector}'")
            if len(chosen) > 1:
                console.print(f"[bold]== {svc.name} ==[/]")
            console.print(tail(path, lines), markup=False, highlight=False)
        if follow and len(chosen) == 1:
            _follow(Path(chosen[0].log_file))

    @app.command()
    @handle_errors
    def uri(service: Annotated[str, typer.Argument(help="a store's name")],
            env: EnvOption = None, spec: SpecOption = None,
            as_user: Annotated[Optional[str], typer.Option("--as", help="user to connect as (default: the admin)")] = None,
            from_stack: FromStackOption = None):
        """Print a connection URI with credentials (for scripts and on-call use)."""
        session = Session.open(env, spec, from_stack, expired_certificates_ok=True)
        print(service_uri(service, session.spec, session.endpoints(), session.secrets(), as_user))

    @app.command()
    @handle_errors
    def plan(env: EnvOption = None, spec: SpecOption = None, as_json: JsonOption = False,
             target: Annotated[str, typer.Option(help="local | container")] = "local"):
        """Show what `up` would run, with every secret masked."""
        session = Session.open(env, spec)
        if target not in ("local", "container"):
            raise UserError(f"unknown target {target!r}", fix="use local or container")
        shown = session.display_plan(target)
        data = mask_secret_files(shown.model_dump())
        from ..plan.design import declared_design, merged_spec
        from .outline import print_design

        design = declared_design(session.spec)
        if as_json:
            print_json({**data, "design": design, "spec": merged_spec(session.spec)})
            return
        for note in shown.notes:
            console.print(f"[yellow]note:[/] {escape(note)}")
        for svc in data["services"]:
            console.print(f"[bold]{escape(svc['name'])}[/] ({svc['implementation']}) as {escape(svc['run_as'])} on "
                          f"{svc['bind']}:{','.join(map(str, svc['ports']))}")
            console.print(f"  command: {' '.join(svc['command'])}", markup=False)
            for f in svc["files"]:
                console.print(f"  file: {f['path']} ({oct(f['mode'])}{', secret' if f['secret'] else ''})", markup=False)
            if svc["depends_on"]:
                console.print(f"  after: {', '.join(svc['depends_on'])}")
            for step in svc["bootstrap"]:
                console.print(f"  first start: {step['action']} {escape(step['target'])}")
            if svc["reconcile_logins"]:
                console.print("  after start: its reconciler makes the declared users, roles and passwords")
        print_design(design)

    @app.command()
    @handle_errors
    def schema(output: Annotated[Optional[Path], typer.Option("--output", "-o", help="file to write (default: stdout)")] = None):
        """Write the JSON Schema of environment specs (for editor completion and validation)."""
        from ..spec import EnvironmentSpec

        from ..spec.overlays import EXTENDS

        schema = EnvironmentSpec.model_json_schema(by_alias=True)
        # Read by the loader before the model sees the file (overlays.py), so it is no field of the model.
        schema["properties"][EXTENDS] = {"type": "string", "description": "a base file this one extends, relative to it"}
        text = json.dumps(schema, indent=2) + "\n"
        if output:
            output.write_text(text)
            console.print(f"wrote {output}", markup=False)
        else:
            print(text, end="")


def mask_secret_files(plan: dict) -> dict:
    for svc in plan["services"]:
        for f in svc["files"]:
            if f["secret"]:
                f["content"] = f"<secret: {len(f['content'])} bytes>"
    return plan


def _follow(path: Path) -> None:
    with open(path) as fh:
        fh.seek(0, 2)
        while True:
            line = fh.readline()
            if line:
                print(line, end="", flush=True)
            else:
                time.sleep(0.25)
