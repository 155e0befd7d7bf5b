"""PostgreSQL latency budgets: SELECT 1, a primary-key lookup, a committed insert into a scratch table."""

from __future__ import annotations

import pytest
from psycopg import sql

from checks.lib.latency import run_probe
from checks.lib.postgres import SCRATCH, key_lookup_statements, reader_login


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
        # Catalog names are data (a table may be named by anyone who can create one): quoted by the driver.
        sample_sql, statement, empty_sql = key_lookup_statements(db.schema_name, table, column)
        sample = conn.execute(sample_sql).fetchone()
        value, probe = (sample[0] if sample else None), f"postgres select {name}.{table} by {column}"
        if sample is None:
            statement, value = empty_sql, 0
            probe += " (empty table)"
    else:
        statement, value, probe = "SELECT relname FROM pg_class WHERE oid = %s", 1259, "postgres select pg_class by oid (no tables yet)"
    run_probe(request, target, "postgres", "indexed_select", probe, lambda: conn.execute(statement, [value]).fetchall())


def test_postgres_insert_latency(request, target, connections, database):
    target.require_writes("the insert probe")
    name, db = database
    owner = db.owner.name if db.owner else None
    conn = connections.open_postgres(target.postgres(owner), name)
    table = sql.Identifier(db.schema_name, SCRATCH)
    insert = sql.SQL("INSERT INTO {} DEFAULT VALUES").format(table)
    try:
        conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (id bigserial PRIMARY KEY, at timestamptz DEFAULT now())")
                     .format(table))
        run_probe(request, target, "postgres", "insert", f"postgres insert {name}.{SCRATCH} (committed)",
                  lambda: conn.execute(insert))
    finally:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table))
        conn.close()
