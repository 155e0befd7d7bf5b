"""PostgreSQL structure drift against a real, migrated throwaway environment: the reference built from the Alembic
scripts matches an unbroken database, is cached (and used read-only), and each thing broken on purpose is one
failing check with its exact message."""

from __future__ import annotations

import pytest

from .helpers import check, messages, without_mongo_express
from tests.support.environments import create_environment

pytestmark = pytest.mark.integration

STRUCTURE_CHECKS = [f"test_postgres_structure.py::test_{kind}_match_alembic_head[{db}]"
                    for db in ("algo_trading", "trading_service") for kind in ("tables", "columns", "indexes", "constraints")]


@pytest.fixture(scope="module")
def env():
    environment = create_environment("datastack-structure-", mutate=without_mongo_express)
    try:
        environment.cli("migrate")
        yield environment
    finally:
        environment.destroy()


def cache_files(env):
    return sorted((env.session.state_dir / "checks").glob("postgres-structure-*.json"))


def postgres(env, database: str = "postgres"):
    import psycopg

    return psycopg.connect(env.uri("postgres").rsplit("/", 1)[0] + f"/{database}", autocommit=True)


def test_unbroken_environment_passes_and_caches_the_reference(env):
    code, result, output = check(env, "-k", "structure")
    assert code == 0, output
    assert sorted(c["id"] for c in result["checks"] if c["outcome"] == "passed") == sorted(STRUCTURE_CHECKS)
    files = cache_files(env)
    assert [f.name for f in files] == ["postgres-structure-algo_trading.json", "postgres-structure-trading_service.json"]
    assert all(f.stat().st_mode & 0o777 == 0o644 for f in files)
    text = "".join(f.read_text() for f in files)
    assert not [s for s in env.secrets().values() if s and s in text], "a secret reached the structure cache"
    with postgres(env) as conn:
        left = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE '\\_datastack\\_ref%'").fetchall()
    assert left == [], f"scratch reference databases were not dropped: {left}"
    # A second run reads the cache instead of rebuilding the reference.
    written = [f.stat().st_mtime_ns for f in files]
    code, _, output = check(env, "-k", "structure")
    assert code == 0, output
    assert [f.stat().st_mtime_ns for f in cache_files(env)] == written


def test_read_only_uses_the_cache_and_skips_without_it(env):
    code, result, output = check(env, "--read-only", "-k", "structure")
    assert code == 0, output
    assert result["counts"]["passed"] == len(STRUCTURE_CHECKS)
    files = cache_files(env)
    for f in files:
        f.rename(f.with_suffix(".away"))
    try:
        _, result, _ = check(env, "--read-only", "-k", "structure")
        skipped = messages(result, "skipped")
        assert sorted(skipped) == sorted(STRUCTURE_CHECKS)
        assert all("read-only mode: " in m and "needs a scratch database" in m for m in skipped.values())
    finally:
        for f in files:
            f.with_suffix(".away").rename(f)


def test_broken_structure_is_caught_with_exact_messages(env):
    with postgres(env, "algo_trading") as conn:
        conn.execute("DROP INDEX idx_orders_status")
        conn.execute("ALTER TABLE orders ALTER COLUMN quantity TYPE numeric(18,8)")
        conn.execute("ALTER TABLE positions DROP CONSTRAINT positions_user_id_fkey, ADD CONSTRAINT positions_user_id_fkey "
                     "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL")
        conn.execute("CREATE TABLE foo (id int)")
    at_head = ("recreate it as the revisions in migrations/postgres/algo_trading declare it, by hand or in a new "
               f"Alembic revision ('datastack migrate --spec {env.spec_path}' alone does not: the database is already at head)")
    expected = {
        "test_indexes_match_alembic_head[algo_trading]": "algo_trading.orders: index idx_orders_status missing — fix: "
            f"datastack migrate --spec {env.spec_path} recreates missing indexes from the revisions in migrations/postgres/algo_trading",
        "test_columns_match_alembic_head[algo_trading]":
            f"algo_trading.orders.quantity: type numeric(18,8) != declared numeric(20,8) — fix: {at_head}",
        "test_constraints_match_alembic_head[algo_trading]":
            f"algo_trading.positions: constraint positions_user_id_fkey ON DELETE SET NULL != declared CASCADE — fix: {at_head}",
        "test_tables_match_alembic_head[algo_trading]":
            "algo_trading: table foo not declared — fix: objects not declared must be removed by a new Alembic revision "
            f"in migrations/postgres/algo_trading (DROP ... IF EXISTS), then datastack migrate --spec {env.spec_path}",
    }
    code, result, _ = check(env, "-k", "structure")
    assert code == 1
    assert {k.split("::", 1)[1]: m for k, m in messages(result).items()} == expected
    # What the messages say is true: at head, migrate recreates the missing index and leaves the other drift.
    env.cli("migrate")
    _, again, _ = check(env, "-k", "structure")
    del expected["test_indexes_match_alembic_head[algo_trading]"]
    assert {k.split("::", 1)[1]: m for k, m in messages(again).items()} == expected
