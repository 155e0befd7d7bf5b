"""The outputs of a check run: the terminal summary (Rich), JSON, and the Markdown runbook."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .results import SuiteResult

COLOURS = {"passed": "green", "failed": "red", "error": "red", "skipped": "yellow"}


def print_summary(result: SuiteResult, console: Console) -> None:
    table = Table(title=f"checks of {result.environment}{' (read-only)' if result.read_only else ''}")
    for column in ("service", "category", "passed", "failed", "skipped"):
        table.add_column(column, justify="left" if column in ("service", "category") else "right")
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for c in result.checks:
        counts = groups.setdefault((c.service, c.category), {"passed": 0, "failed": 0, "skipped": 0})
        counts["failed" if c.outcome == "error" else c.outcome] += 1
    for (service, category), counts in groups.items():
        failed = f"[red]{counts['failed']}[/]" if counts["failed"] else "0"
        table.add_row(service, category, str(counts["passed"]), failed, str(counts["skipped"]))
    console.print(table)
    if result.latency():
        lat = Table(title="latency (ms)")
        for column in ("probe", "p50", "p95", "p99", "max", "budget"):
            lat.add_column(column, justify="left" if column == "probe" else "right")
        for p in result.latency():
            colour = "green" if p["outcome"] == "passed" else "red"
            lat.add_row(p["probe"], *(f"{p[k]:.3f}" for k in ("p50", "p95", "p99", "max")),
                        f"[{colour}]{p['percentile']} < {p['budget_ms']:g}[/]")
        console.print(lat)
    for c in result.checks:
        if c.outcome in ("failed", "error"):
            console.print(f"[red]✗ {c.outcome}[/] {_escape(c.name)}: {_escape(c.message)}")
    verdict = "[bold green]all checks passed[/]" if result.ok else "[bold red]checks failed[/]"
    console.print(f"{verdict}: {result.count('passed')} passed, {result.count('failed') + result.count('error')} failed, "
                  f"{result.count('skipped')} skipped in {result.duration_s:.1f}s")


def write_json(result: SuiteResult, path: Path) -> None:
    path.write_text(json.dumps(result.to_json(), indent=2, default=str) + "\n")


def write_markdown(result: SuiteResult, path: Path) -> None:
    path.write_text(markdown(result))


def markdown(result: SuiteResult) -> str:
    failed = [c for c in result.checks if c.outcome in ("failed", "error")]
    skipped = [c for c in result.checks if c.outcome == "skipped"]
    lines = [f"# Check report: {result.environment}{' (read-only)' if result.read_only else ''}", "",
             f"**{'PASS' if result.ok else 'FAIL'}** — {result.count('passed')} passed, {len(failed)} failed, "
             f"{len(skipped)} skipped in {result.duration_s:.1f} s.", ""]
    if failed:
        lines += ["## What failed", "", "| check | why | fix |", "| --- | --- | --- |"]
        lines += [f"| `{c.name}` | {_cell(c.why)} | {_cell(f'`{c.fix}`' if c.fix else 'see the message')} |" for c in failed]
        fixes = sorted({c.fix for c in failed if c.fix})
        if fixes:
            lines += ["", "### Commands that fix it", ""] + [f"- `{f}`" for f in fixes]
        lines.append("")
    if result.latency():
        lines += ["## Latency (ms)", "", "| probe | p50 | p95 | p99 | max | budget | verdict |",
                  "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
        lines += [f"| {p['probe']} | {p['p50']:.3f} | {p['p95']:.3f} | {p['p99']:.3f} | {p['max']:.3f} | "
                  f"{p['percentile']} < {p['budget_ms']:g} | {p['outcome']} |" for p in result.latency()]
        lines.append("")
    if skipped:
        lines += ["## Skipped", "", "| check | reason |", "| --- | --- |"]
        lines += [f"| `{c.name}` | {_cell(c.message)} |" for c in skipped]
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
