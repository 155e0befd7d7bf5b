"""Shared CLI plumbing: --env/--spec options, one-line errors with exit codes, output helpers."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import DatastackError

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

EnvOption = Annotated[Optional[str], typer.Option("--env", "-e", help="environment name (a file in environments/)")]
SpecOption = Annotated[Optional[Path], typer.Option("--spec", help="any environment spec file")]
FromStackOption = Annotated[Optional[Path], typer.Option(
    "--from-stack", help="endpoints from `pulumi stack output --json` of a stack (instead of the last `up`)")]
JsonOption = Annotated[bool, typer.Option("--json", help="machine-readable output on stdout")]


def handle_errors(func):
    """Every command: a DatastackError becomes one red line and its exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DatastackError as exc:
            # User text (a key, a path) may hold '[/x]': escaped, it is printed, never read as Rich markup.
            err_console.print(f"[bold red]error:[/] {escape(exc.one_line())}", soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("[yellow]interrupted[/]")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:  # last resort: still one line; DATASTACK_DEBUG=1 shows the traceback
            if os.environ.get("DATASTACK_DEBUG"):
                raise
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            err_console.print(f"[bold red]error:[/] unexpected {type(exc).__name__}: {escape(first)} — "
                              "fix: rerun with DATASTACK_DEBUG=1 and report the traceback", soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


def say(line: str) -> None:
    """Progress for people, on stderr so --json output stays clean."""
    err_console.print(f"[dim]·[/] {escape(line)}", soft_wrap=True)


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
