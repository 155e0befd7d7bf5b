"""A reconciler step: one reported change and the SQL that makes it true; run or only listed (dry run)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from datastack.migrate.fault_points import step_boundary
from datastack.migrate.report import Change, MigrateOptions, StoreReport

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql


@dataclass
class Step:
    target: str
    action: str
    detail: str = ""
    statements: list["sql.Composable"] = field(default_factory=list)

    def change(self, applied: bool = False) -> Change:
        return Change(store="postgres", target=self.target, action=self.action, detail=self.detail, applied=applied)


def run_steps(conn: "psycopg.Connection", steps: list[Step], report: StoreReport, options: MigrateOptions) -> None:
    """Record every step as planned; unless dry-running, execute it and record it as applied."""
    for step in steps:
        report.planned.append(step.change())
        if options.dry_run:
            continue
        step_boundary()
        for statement in step.statements:
            conn.execute(statement)
        report.applied.append(step.change(applied=True))
        options.say(f"postgres {step.target}: {step.action} {step.detail}".rstrip())
