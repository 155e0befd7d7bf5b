"""PostgreSQL critical queries: EXPLAIN (FORMAT JSON) of each declared query uses its index.

The statement is planned, never executed, inside a READ ONLY transaction, so read-only mode runs it too.
enable_seqscan: on a table smaller than `small_table_pages` (critical_queries.yaml) a sequential scan is
honestly the cheaper plan, so it is switched off there (SET LOCAL, this transaction only): the planner then
still falls back to Seq Scan when no usable index exists, which is exactly what must fail. On a larger table
the planner is left alone: a Seq Scan there is a real finding.
"""

from __future__ import annotations

from psycopg import sql

from checks.lib import postgres


def test_critical_query_uses_its_index(target, connections, postgres_query):
    from roles.postgres.reconcile.critical_queries import small_table_pages

    from checks.lib.query_plans import pg_plan_summary

    database, query = postgres_query
    pg = target.spec.services.postgres
    schema = pg.databases[database].schema_name
    conn = connections.postgres(postgres.reader_login(target, database), database)
    threshold = small_table_pages(pg, database)
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SET TRANSACTION READ ONLY")
        cur.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)))
        cur.execute("SELECT pg_relation_size(c.oid) / current_setting('block_size')::int FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
                    [schema, query.table])
        row = cur.fetchone()
        assert row is not None, f"{database}: query {query.name}: table {schema}.{query.table} is missing — fix: {target.fix}"
        pages = int(row[0])
        small = pages < threshold
        if small:
            cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute(sql.SQL("EXPLAIN (FORMAT JSON) ") + sql.SQL(query.sql), query.parameters)
        explain = cur.fetchone()[0]
    used, plan = pg_plan_summary(explain)
    how = f"enable_seqscan off: {pages} pages < {threshold}" if small else f"{pages} pages, planner unconstrained"
    assert query.index in used, (f"{database}: query {query.name} planned as {plan} ({how}), expected index "
                                 f"{query.index} — fix: if the index is missing, {target.fix} (recreates the indexes the Alembic scripts "
                                 f"declare at head); if it exists, the query no longer matches it")
