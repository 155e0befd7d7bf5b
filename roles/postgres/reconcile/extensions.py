"""Extensions the spec declares for a database: created when missing, undeclared ones reported as drift."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.errors import UserError
from .steps import Step

if TYPE_CHECKING:
    import psycopg

ALWAYS_PRESENT = {"plpgsql"}


def extension_steps(conn: "psycopg.Connection", db_name: str, wanted: list[str]) -> tuple[list[Step], list[str]]:
    from psycopg import sql

    installed = {row[0] for row in conn.execute("SELECT extname FROM pg_extension").fetchall()}
    available = {row[0] for row in conn.execute("SELECT name FROM pg_available_extensions").fetchall()}
    steps = []
    for name in wanted:
        if name in installed:
            continue
        if name not in available:
            raise UserError(f"services.postgres.databases.{db_name}.extensions: {name!r} is not available on this server",
                            fix="install the package that provides it, or remove it from the spec")
        steps.append(Step(f"{db_name}.extension {name}", "create_extension", "",
                          [sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(name))]))
    drift = [f"{db_name}: extension {name} is installed but not declared"
             for name in sorted(installed - set(wanted) - ALWAYS_PRESENT)]
    return steps, drift
