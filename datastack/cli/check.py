"""check: run the check suite against an environment and write its reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import UserError
from ..session import Session
from .common import EnvOption, FromStackOption, SpecOption, console, handle_errors, say

FileOption = Optional[Path]


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def check(env: EnvOption = None, spec: SpecOption = None,
              read_only: Annotated[bool, typer.Option("--read-only", help="read-only credentials only, zero writes (safe for production)")] = False,
              junit: Annotated[FileOption, typer.Option("--junit", help="write JUnit XML here (for CI)")] = None,
              json_file: Annotated[FileOption, typer.Option("--json", help="write every check and latency probe as JSON here")] = None,
              report: Annotated[FileOption, typer.Option("--report", help="write a Markdown runbook here: what failed, why, the fix")] = None,
              html_file: Annotated[FileOption, typer.Option("--html", help="write a self-contained HTML page here")] = None,
              prometheus: Annotated[FileOption, typer.Option("--prometheus", help="write node-exporter textfile metrics here")] = None,
              samples: Annotated[Optional[int], typer.Option("--samples", min=1, help="timed samples per latency probe")] = None,
              select: Annotated[Optional[str], typer.Option("-k", help="only checks matching this pytest -k expression")] = None,
              from_stack: FromStackOption = None):
        """Verify the environment against its spec: health, users, drift, migrations, latency. Exit 0 pass, 1 fail, 2 usage."""
        from ..check import run_suite
        from ..check.reports import print_summary, write_json, write_markdown

        session = Session.open(env, spec, from_stack, expired_certificates_ok=True)  # deploys nothing
        from ..check.report_paths import check_writable

        outputs = {"--junit": junit, "--json": json_file, "--report": report, "--html": html_file, "--prometheus": prometheus}
        for option, path in outputs.items():
            if path is not None:
                check_writable(option, path)
        say(f"checking {session.spec.name}{' read-only' if read_only else ''}")
        # Fail on a bad stack file here, with one line, rather than inside the suite.
        session.endpoints()
        result = run_suite(session, read_only=read_only, samples=samples, junit=junit, select=select)
        if not result.checks:
            raise UserError("no check was selected", fix="drop -k or correct the expression")
        print_summary(result, console)
        if json_file:
            write_json(result, json_file)
        if report:
            write_markdown(result, report)
        if html_file:
            from ..check.design import declared_design
            from ..check.html_report import write_html

            write_html(result, declared_design(session.spec), html_file)
        if prometheus:
            from ..check.prometheus import write_prometheus

            write_prometheus(result, prometheus)
        for path in outputs.values():
            if path:
                say(f"wrote {path}")
        raise typer.Exit(result.exit_code)
