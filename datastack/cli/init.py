"""`datastack init DIR`: scaffold a new project (see datastack/scaffold.py)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from .common import console, handle_errors


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def init(directory: Annotated[Path, typer.Argument(help="new (or empty) project directory")],
             name: Annotated[str, typer.Option("--name", help="environment name")] = "dev"):
        """Make a new project: an environment, its schemas and migrations (templates/project/) and a README."""
        from ..scaffold import scaffold_project

        written = scaffold_project(directory, name)
        for path in written:
            console.print(f"wrote {path}", markup=False)
        spec = shlex.quote(str(directory / "environments" / f"{name}.yaml"))  # pasted into a shell as one word
        console.print(f"next: datastack up --spec {spec} && datastack migrate --spec {spec} && "
                      f"datastack check --spec {spec}", markup=False)
