"""What each role can really do once migrated: the app role writes data but cannot CREATE or DROP;
the readonly role only SELECTs, including on a table the owner creates after the grants."""

from __future__ import annotations

import psycopg
import pytest

from roles.postgres.reconcile import migrate_postgres
from datastack.migrate.report import MigrateOptions

pytestmark = pytest.mark.integration


@pytest.fixture
def migrated(pg_env):
    migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions())
    return pg_env


@pytest.mark.parametrize("database", ["algo", "service"])
def test_app_reads_and_writes_but_cannot_create_or_drop(migrated, database):
    db = getattr(migrated, database)
    with migrated.connect(db, f"{db}_app") as conn:
        conn.execute("INSERT INTO users (email, name) VALUES ('a@x', 'a')" if database == "service" else
                     "INSERT INTO users (email, username, hashed_password) VALUES ('a@x', 'a', 'h')")
        conn.execute("UPDATE users SET email = 'b@x'")
        assert conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1
        conn.execute("DELETE FROM users")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TABLE sneaky (id int)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DROP TABLE orders")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE alembic_version SET version_num = 'x'")


def test_readonly_only_selects_even_on_tables_created_later(migrated):
    db = migrated.algo
    with migrated.connect(db, f"{db}_owner") as owner:
        owner.execute("CREATE TABLE created_after_grants (id int)")
        owner.execute("INSERT INTO created_after_grants VALUES (1)")
    with migrated.connect(db, f"{db}_readonly") as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 0
        assert conn.execute("SELECT id FROM created_after_grants").fetchall() == [(1,)]
        for statement in ("INSERT INTO created_after_grants VALUES (2)",
                          "INSERT INTO market_data_cache (symbol, timeframe, bar_time, open, high, low, close, volume, source) "
                          "VALUES ('X', '1d', now(), 1, 1, 1, 1, 1, 't')",
                          "DELETE FROM orders", "CREATE TABLE sneaky (id int)", "DROP TABLE orders"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    with migrated.connect(db, f"{db}_app") as app:  # the app role gets new tables too
        app.execute("INSERT INTO created_after_grants VALUES (3)")


def test_roles_cannot_connect_to_the_other_database(migrated):
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        migrated.server.connect(migrated.service, f"{migrated.algo}_app",
                                migrated.secrets[f"postgres.{migrated.algo}.{migrated.algo}_app"])


def test_grants_of_undeclared_roles_are_reported_by_dry_run_then_revoked(migrated):
    """A role the spec does not declare (left from an old spec, or granted by hand) keeps nothing."""
    db = migrated.algo
    with migrated.server.connect(db) as admin:
        admin.execute("DROP ROLE IF EXISTS ghost_reader")  # a leftover from an earlier run
        admin.execute("CREATE ROLE ghost_reader LOGIN")
        admin.execute(f'GRANT CONNECT ON DATABASE "{db}" TO ghost_reader')
        admin.execute("GRANT USAGE ON SCHEMA public TO ghost_reader")
        admin.execute("GRANT SELECT, INSERT ON orders TO ghost_reader")
    try:
        dry = migrate_postgres(migrated.spec, migrated.endpoints, migrated.secrets, MigrateOptions(dry_run=True))
        planned = [c for r in dry for c in r.planned if "ghost_reader" in c.detail]
        assert {c.action for c in planned} == {"revoke"}, planned
        assert any("CONNECT" in c.detail for c in planned) and any("orders" in c.detail for c in planned)
        with migrated.server.connect(db) as admin:  # a dry run changes nothing
            assert admin.execute("SELECT has_table_privilege('ghost_reader', 'orders', 'SELECT')").fetchone()[0]
        migrate_postgres(migrated.spec, migrated.endpoints, migrated.secrets, MigrateOptions())
        with migrated.server.connect(db) as admin:
            row = admin.execute("SELECT has_table_privilege('ghost_reader', 'orders', 'SELECT'), "
                                "has_table_privilege('ghost_reader', 'orders', 'INSERT'), "
                                "has_database_privilege('ghost_reader', current_database(), 'CONNECT'), "
                                "has_schema_privilege('ghost_reader', 'public', 'USAGE')").fetchone()
            assert row == (False, False, False, False)
        again = migrate_postgres(migrated.spec, migrated.endpoints, migrated.secrets, MigrateOptions(dry_run=True))
        assert not [c for r in again for c in r.planned if "ghost_reader" in c.detail]
    finally:
        with migrated.server.connect(db) as admin:
            admin.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ghost_reader")
            admin.execute("REVOKE ALL ON SCHEMA public FROM ghost_reader")
            admin.execute(f'REVOKE ALL ON DATABASE "{db}" FROM ghost_reader')
            admin.execute("DROP ROLE IF EXISTS ghost_reader")
