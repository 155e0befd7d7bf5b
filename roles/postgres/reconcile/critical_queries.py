"""PostgreSQL critical queries, declared beside a database's Alembic scripts in `critical_queries.yaml`.

    queries:
      - name: positions_by_user_and_symbol
        table: positions
        sql: SELECT id FROM positions WHERE user_id = %(user_id)s AND symbol = %(symbol)s
        parameters: {user_id: 00000000-0000-0000-0000-000000000000, symbol: BTCUSDT}
        index: idx_positions_user_symbol

`check` runs `EXPLAIN (FORMAT JSON)` (never ANALYZE: the statement is planned, not executed) in a READ ONLY
transaction. The table and index must be created by the Alembic scripts (read from their op.create_table /
op.create_index calls when the spec loads), so a typo is bad input, not a failing check.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from datastack.errors import UserError
from datastack.paths import PROJECT_ROOT, display
from datastack.spec import EnvironmentSpec

QUERIES_FILE = "critical_queries.yaml"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PostgresCriticalQuery(_Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    table: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    sql: str = Field(min_length=1, description="one SELECT with %(name)s placeholders")
    parameters: dict[str, str | int | float | bool] = Field(default_factory=dict)
    index: str = Field(pattern=r"^[a-z_][a-z0-9_]*$", description="the index the plan must use")

    @field_validator("sql")
    @classmethod
    def _one_select(cls, sql: str) -> str:
        text = sql.strip()
        if ";" in text or "--" in text or "/*" in text:
            raise ValueError("one statement without ';' or comments; fix: keep a single SELECT")
        if not re.match(r"(?is)^(select|with)\s", text):
            raise ValueError("must be a SELECT (or WITH ... SELECT); fix: critical queries are reads")
        return text

    def placeholders(self) -> set[str]:
        return set(PLACEHOLDER.findall(self.sql))


class CriticalQueriesFile(_Model):
    small_table_pages: int = Field(default=100, ge=0, description="below this many 8 kB pages, explain with enable_seqscan off")
    queries: list[PostgresCriticalQuery] = Field(default_factory=list)


def queries_path(alembic_dir: Path) -> Path:
    return (alembic_dir if alembic_dir.is_absolute() else PROJECT_ROOT / alembic_dir) / QUERIES_FILE


def load_queries_file(alembic_dir: Path) -> CriticalQueriesFile | None:
    from datastack.spec.load import load_yaml_model

    path = queries_path(alembic_dir)
    if not path.is_file():
        return None
    return load_yaml_model(path, CriticalQueriesFile, kind="critical queries file", start_hint="start it with 'queries:'",
                           empty_ok=True)


def load_declared_queries(pg) -> dict[str, list[PostgresCriticalQuery]]:
    found = {}
    for name, db in pg.databases.items():
        declared = load_queries_file(db.alembic) if db.alembic else None
        if declared and declared.queries:
            found[name] = declared.queries
    return found


def small_table_pages(pg, database: str) -> int:
    db = pg.databases[database]
    declared = load_queries_file(db.alembic) if db.alembic else None
    return declared.small_table_pages if declared else CriticalQueriesFile().small_table_pages


def alembic_objects(script_dir: Path) -> tuple[set[str], dict[str, str]]:
    """(tables, index -> table) created by the revisions' op.create_table / op.create_index calls."""
    tables: set[str] = set()
    indexes: dict[str, str] = {}
    for path in sorted((script_dir / "versions").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                continue
            args = [a.value if isinstance(a, ast.Constant) else None for a in node.args[:2]]
            if node.func.attr == "create_table" and isinstance(args[0], str):
                tables.add(args[0])
            elif node.func.attr == "create_index" and len(args) > 1 and isinstance(args[0], str):
                indexes[args[0]] = args[1]
    return tables, indexes


def check_critical_queries(spec: EnvironmentSpec, spec_path: Path) -> None:
    """CROSS_CHECK: each declared query names a table and an index the Alembic scripts create, and binds its placeholders."""
    pg = spec.services.postgres
    if pg is None:
        return
    for db in pg.databases.values():
        if db.alembic is None or not queries_path(db.alembic).is_file():
            continue
        where = display(queries_path(db.alembic))
        tables, indexes = alembic_objects(queries_path(db.alembic).parent)
        for i, query in enumerate(load_queries_file(db.alembic).queries):
            at = f"queries[{i}]"
            if query.table not in tables:
                raise UserError(f"{at}.table: query {query.name!r} names table {query.table!r}, which no Alembic revision creates",
                                where=where, fix="correct the name or add the table in a revision")
            if indexes.get(query.index) != query.table:
                raise UserError(f"{at}.index: query {query.name!r} expects index {query.index!r}, which no revision creates on {query.table}",
                                where=where, fix=f"use one of: {', '.join(sorted(i for i, t in indexes.items() if t == query.table)) or 'none'}")
            unbound = sorted(query.placeholders() - set(query.parameters))
            if unbound:
                raise UserError(f"{at}.parameters: query {query.name!r} has no value for %({unbound[0]})s", where=where,
                                fix="add it under parameters:")
