"""The migrator against a real PostgreSQL: both databases to head, then a second run changes nothing."""

from __future__ import annotations

import pytest

from roles.postgres.reconcile import migrate_postgres, postgres_status
from datastack.migrate.report import MigrateOptions

pytestmark = pytest.mark.integration

ALGO_TABLES = {
    "users", "strategies", "strategy_tickers", "watchlist", "api_keys", "notification_preferences", "notifications",
    "orders", "trades", "positions", "backtests", "backtest_results", "backtest_trades", "portfolio_snapshots",
    "performance_metrics", "tax_lots", "risk_rules", "live_strategies", "strategy_executions", "signal_history",
    "market_data_cache",
}
SERVICE_TABLES = {
    "users", "orders", "fills", "positions", "service_status", "service_task_execution", "service_logs", "error_logs",
    "user_trading_config", "ml_training_jobs", "ml_models", "user_notification_preferences", "notifications",
    "audit_logs",
}


def tables(env, database: str) -> set[str]:
    with env.connect(database) as conn:
        rows = conn.execute("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {name for name, _ in rows}


def test_first_run_reaches_head_and_second_changes_nothing(pg_env):
    first = migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions())
    by_db = {r.database: r for r in first}
    assert by_db[pg_env.algo].revision == {"current": "0004_live_trading", "head": "0004_live_trading"}
    assert by_db[pg_env.service].revision == {"current": "0003_orders_metadata", "head": "0003_orders_metadata"}
    assert [c.detail.split()[0] for c in by_db[pg_env.algo].applied if c.action == "alembic_upgrade"] == [
        "0001_users_strategies", "0002_trading", "0003_backtests_portfolio", "0004_live_trading"]
    # The spine set every password: our SCRAM check recognises the server's own verifiers.
    assert not [c for r in first for c in r.applied if c.action in ("create_role", "set_password")]
    assert ALGO_TABLES | {"alembic_version"} == tables(pg_env, pg_env.algo)
    assert SERVICE_TABLES | {"alembic_version"} == tables(pg_env, pg_env.service)

    second = migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions())
    assert [(r.database, r.planned, r.applied, r.drift) for r in second] == [
        (pg_env.algo, [], [], []), (pg_env.service, [], [], [])]


def test_tables_belong_to_the_owner_role(pg_env):
    migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions())
    with pg_env.connect(pg_env.algo) as conn:
        owners = {row[0] for row in conn.execute("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")}
    assert owners == {f"{pg_env.algo}_owner"}


def test_dry_run_lists_changes_and_applies_none(pg_env):
    reports = migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions(dry_run=True))
    algo = next(r for r in reports if r.database == pg_env.algo)
    assert algo.applied == []
    assert len([c for c in algo.planned if c.action == "alembic_upgrade"]) == 4
    assert tables(pg_env, pg_env.algo) == set()


def test_status_shows_current_and_head(pg_env):
    before = {r.database: r.revision for r in postgres_status(pg_env.spec, pg_env.endpoints, pg_env.secrets)}
    assert before[pg_env.algo] == {"current": None, "head": "0004_live_trading"}
    migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions())
    after = {r.database: r.revision for r in postgres_status(pg_env.spec, pg_env.endpoints, pg_env.secrets)}
    assert after[pg_env.service] == {"current": "0003_orders_metadata", "head": "0003_orders_metadata"}


def test_wrong_password_and_lost_grant_are_repaired(pg_env):
    migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions())
    app = f"{pg_env.algo}_app"
    with pg_env.connect(pg_env.algo) as conn:
        conn.execute(f'ALTER ROLE "{app}" PASSWORD \'changed-by-hand\' CREATEDB')
        conn.execute(f'REVOKE INSERT ON orders FROM "{app}"')
        conn.execute(f'GRANT TRUNCATE ON trades TO "{app}"')
    report = next(r for r in migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions())
                  if r.database == pg_env.algo)
    assert {c.action for c in report.applied} == {"set_password", "alter_role", "grant", "revoke"}
    assert all("changed-by-hand" not in c.detail for c in report.applied)
    with pg_env.connect(pg_env.algo, app) as conn:
        conn.execute("INSERT INTO users (email, username, hashed_password) VALUES ('a@x', 'a', 'h')")
        with pytest.raises(Exception, match="permission denied"):
            conn.execute("TRUNCATE trades")
