"""PostgreSQL logins for the checks: the superuser, or in read-only mode each database's readonly role."""

from __future__ import annotations

import pytest

from datastack.credentials import Login

from .target import Target

SCRATCH = "_datastack_check_scratch"  # write probes only; dropped after each run


def reader_login(target: Target, database: str) -> Login:
    if not target.read_only:
        return target.postgres()
    db = target.spec.services.postgres.databases[database]
    user = next((u for u in db.users if u.access == "readonly"), None)
    if user is None:
        pytest.skip(f"read-only mode: database {database} declares no readonly role to read it with")
    return target.postgres(user.name)


def any_reader(target: Target) -> tuple[Login, str]:
    """A login and a database it may connect to, for cluster-wide catalog reads."""
    pg = target.spec.services.postgres
    if not target.read_only:
        return target.postgres(), "postgres"
    for name in pg.databases:
        db = pg.databases[name]
        if any(u.access == "readonly" for u in db.users):
            return reader_login(target, name), name
    pytest.skip("read-only mode: no readonly PostgreSQL role is declared")


def tables(conn, schema: str) -> list[str]:
    rows = conn.execute("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE '\\_datastack%%' "
                        "ORDER BY 1", [schema]).fetchall()
    return [r[0] for r in rows]


def alembic_head(alembic_dir) -> str:
    """The scripts' head, cached by their content (the spec load guarantees exactly one): no Alembic import."""
    from datastack.paths import PROJECT_ROOT
    from roles.postgres.reconcile.script_heads import alembic_heads, cached_heads

    return ",".join(cached_heads(PROJECT_ROOT / alembic_dir, alembic_heads))


def alembic_revision(conn, schema: str, ledger: str) -> str | None:
    """The database's Alembic revision(s), comma-joined; None when it was never migrated."""
    from psycopg import sql

    relation = sql.Identifier(schema, ledger)
    if not conn.execute("SELECT to_regclass(%s)", [relation.as_string(conn)]).fetchone()[0]:
        return None
    return conn.execute(sql.SQL("SELECT string_agg(version_num, ',') FROM {}").format(relation)).fetchone()[0]


def key_lookup_statements(schema: str, table: str, column: str):
    """(sample one key, look it up, look up NULL in an empty table) for the indexed-select latency probe.

    The names come from the catalog, where anyone allowed to create a table chooses them: they are
    quoted by the driver (a column named 'x"; DROP TABLE t; --' stays one identifier)."""
    from psycopg import sql

    relation, key = sql.Identifier(schema, table), sql.Identifier(column)
    return (sql.SQL("SELECT {} FROM {} LIMIT 1").format(key, relation),
            sql.SQL("SELECT * FROM {} WHERE {} = %s").format(relation, key),
            sql.SQL("SELECT * FROM {} WHERE {} IS NULL AND %s IS NULL").format(relation, key))
