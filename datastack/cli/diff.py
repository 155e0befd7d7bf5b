"""diff: compare two live environments (read-only) — "is staging what prod will become?"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import UserError
from .common import console, handle_errors, say


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def diff(env: Annotated[Optional[list[str]], typer.Option("--env", "-e", help="an environment name; give two sides")] = None,
             spec: Annotated[Optional[list[Path]], typer.Option("--spec", help="a spec file as a side (after any --env)")] = None,
             from_stack: Annotated[Optional[list[str]], typer.Option(
                 "--from-stack", help="SIDE=FILE: that side's endpoints from `pulumi stack output --json`")] = None,
             as_json: Annotated[bool, typer.Option("--json", help="the differences as JSON on stdout")] = False):
        """Compare two live environments, store by store: structure, users and roles, revisions and config.
        Reads only. Exit 0 same, 1 different, 2 usage."""
        from ..diff import compare_snapshots, read_snapshot
        from ..session import Session

        sides = [(name, name, None) for name in env or []] + [(str(path), None, path) for path in spec or []]
        if len(sides) != 2:
            raise UserError(f"diff compares two environments, got {len(sides)}", fix="pass --env A --env B (or --spec FILE for a side)")
        stacks = _stack_files(from_stack or [], [label for label, _, _ in sides])
        sessions = [Session.open(name, path, stacks.get(label), expired_certificates_ok=True) for label, name, path in sides]
        labels = [label for label, _, _ in sides]
        say(f"reading {labels[0]} and {labels[1]} (read-only)")
        differences = compare_snapshots(read_snapshot(sessions[0]), read_snapshot(sessions[1]))
        if as_json:
            print(json.dumps({"a": labels[0], "b": labels[1], "same": not differences,
                              "differences": [d.to_json() for d in differences]}, indent=2, default=str))
        else:
            for d in differences:
                console.print(d.line(labels[0], labels[1]), markup=False, highlight=False)
            console.print(f"{len(differences)} difference(s) between {labels[0]} and {labels[1]}" if differences
                          else f"{labels[0]} and {labels[1]} are the same", markup=False)
        raise typer.Exit(1 if differences else 0)


def _stack_files(values: list[str], labels: list[str]) -> dict[str, Path]:
    stacks = {}
    for value in values:
        label, sep, file = value.partition("=")
        if not sep or label not in labels or not file:
            raise UserError(f"--from-stack {value!r}: expected SIDE=FILE with SIDE one of {', '.join(labels)}",
                            fix=f"e.g. --from-stack {labels[0]}=outputs.json")
        stacks[label] = Path(file)
    return stacks
