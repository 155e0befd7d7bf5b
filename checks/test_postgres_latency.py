"""PostgreSQL latency budgets: SELECT 1, a primary-key lookup, a committed insert into a scratch table."""

from __future__ import annotations

import pytest

from checks.lib.latency import run_probe
from checks.lib.postgres import SCRATCH, reader_login


@pytest.fixture(scope="module")
def database(target):
    pg = target.spec.services.postgres
    if pg is None or not pg.databases:
        pytest.skip("this environment declares no PostgreSQL database")
    name = next(iter(pg.databases))
    return name, pg.databases[name]


def test_postgres_select_1_latency(request, target, connections, database):
    conn = connections.postgres(reader_login(target, database[0]), database[0])
    run_probe(request, target, "postgres", "select_1", "postgres SELECT 1", lambda: conn.execute("SELECT 1").fetchone())


def test_postgres_indexed_select_latency(request, target, connections, database):
    name, db = database
    conn = connections.postgres(reader_login(target, name), name)
    # The first table with a single-column primary key; a fresh database falls back to a catalog index.
    row = conn.execute(
        "SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0] "
        "WHERE i.indisprimary AND i.indnatts = 1 AND n.nspname = %s AND c.relname NOT LIKE '\\_%%' ORDER BY 1 LIMIT 1",
        [db.schema_name]).fetchone()
    if row:
        table, column = row
        # Look up an existing key in the column's own type, so the primary key index is what answers.
        sample = conn.execute(f'SELECT "{column}" FROM "{db.schema_name}"."{table}" LIMIT 1').fetchone()
        statement = f'SELECT * FROM "{db.schema_name}"."{table}" WHERE "{column}" = %s'
        value, probe = (sample[0] if sample else None), f"postgres select {name}.{table} by {column}"
        if sample is None:
            statement, value = f'SELECT * FROM "{db.schema_name}"."{table}" WHERE "{column}" IS NULL AND %s IS NULL', 0
            probe += " (empty table)"
    else:
        statement, value, probe = "SELECT relname FROM pg_class WHERE oid = %s", 1259, "postgres select pg_class by oid (no tables yet)"
    run_probe(request, target, "postgres", "indexed_select", probe, lambda: conn.execute(statement, [value]).fetchall())


def test_postgres_insert_latency(request, target, connections, database):
    target.require_writes("the insert probe")
    name, db = database
    owner = db.owner.name if db.owner else None
    conn = connections.open_postgres(target.postgres(owner), name)
    table = f'"{db.schema_name}"."{SCRATCH}"'
    try:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {table} (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())")
        run_probe(request, target, "postgres", "insert", f"postgres insert {name}.{SCRATCH} (committed)",
                  lambda: conn.execute(f"INSERT INTO {table} DEFAULT VALUES"))
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.close()
