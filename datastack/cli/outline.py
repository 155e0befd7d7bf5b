"""The declared design (`plan`) printed as an indented outline for people."""

from __future__ import annotations

from .common import console


def print_design(design: dict) -> None:
    """The declared design as an outline: mappings as headings, lists as lines, values after their key."""
    console.print("[bold]design[/]")
    _outline(design, "  ")


def _outline(value, indent: str) -> None:
    for key, item in value.items():
        if isinstance(item, dict) and item:
            console.print(f"{indent}{key}:", markup=False)
            _outline(item, indent + "  ")
        elif isinstance(item, list):
            console.print(f"{indent}{key}:{'' if item else ' (none)'}", markup=False)
            for line in item:
                console.print(f"{indent}  - {line}", markup=False)
        else:
            console.print(f"{indent}{key}: {item if item != {} else '(none)'}", markup=False)
