"""A database already at head is recognised from its version table and the cached head: Alembic is not run
(no SQLAlchemy engine, no Alembic imports); any other revision still goes through Alembic."""

from __future__ import annotations

import pytest

from datastack.migrate.report import MigrateOptions
from roles.postgres.reconcile import alembic_runner, migrate_postgres

pytestmark = pytest.mark.integration


def test_at_head_skips_alembic_and_behind_head_runs_it(pg_env, monkeypatch):
    migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions())
    ran_alembic = []
    real_upgrade = alembic_runner.upgrade_database

    def recording_upgrade(*args, **kwargs):
        ran_alembic.append(kwargs["label"])
        return real_upgrade(*args, **kwargs)

    monkeypatch.setattr(alembic_runner, "upgrade_database", recording_upgrade)
    at_head = {r.database: r for r in migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions())}
    assert ran_alembic == []
    assert at_head[pg_env.algo].revision == {"current": "0004_live_trading", "head": "0004_live_trading"}
    assert at_head[pg_env.algo].planned == [] and at_head[pg_env.algo].applied == []

    with pg_env.connect(pg_env.algo) as conn:  # one revision back, as if 0004 had never run its bookkeeping
        conn.execute("UPDATE alembic_version SET version_num = '0003_backtests_portfolio'")
    dry = {r.database: r for r in migrate_postgres(pg_env.spec, pg_env.endpoints, pg_env.secrets, MigrateOptions(dry_run=True))}
    assert ran_alembic == [pg_env.algo]
    assert dry[pg_env.algo].revision == {"current": "0003_backtests_portfolio", "head": "0004_live_trading"}
    assert [c.action for c in dry[pg_env.algo].planned] == ["alembic_upgrade"]
