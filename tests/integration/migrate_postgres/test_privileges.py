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
