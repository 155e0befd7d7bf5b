"""Faults: a migrator SIGKILLed mid-upgrade resumes from the last committed revision; two migrators
at once — one upgrades, the other waits on the advisory lock and finds head; the wait is bounded."""

from __future__ import annotations

import json
import time

import pytest

from datastack.errors import RuntimeFailure
from roles.postgres.reconcile import migrate_postgres
from datastack.migrate.report import MigrateOptions

from .conftest import GATE_KEY, make_env

pytestmark = pytest.mark.integration


def waiting_on_advisory_locks(env, database: str) -> int:
    with env.connect(database) as conn:
        return conn.execute("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                            "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = %s", [database]).fetchone()[0]


def wait_until(condition, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def version(env, database: str) -> str | None:
    with env.connect(database) as conn:
        exists = conn.execute("SELECT to_regclass('public.alembic_version')").fetchone()[0]
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] if exists else None


def exists(env, database: str, table: str) -> bool:
    with env.connect(database) as conn:
        return conn.execute("SELECT to_regclass(%s) IS NOT NULL", [f"public.{table}"]).fetchone()[0]


@pytest.fixture
def gated_env(pg_server, gated_algo_dir):
    return make_env(pg_server, algo_dir=gated_algo_dir)


@pytest.fixture
def gate(gated_env):
    """The test holds advisory lock GATE_KEY in the algo database: the gate revision blocks on it."""
    conn = gated_env.connect(gated_env.algo)
    conn.execute("SELECT pg_advisory_lock(%s)", [GATE_KEY])
    yield conn
    conn.close()


def test_killed_mid_upgrade_resumes_from_last_committed_revision(gated_env, gate):
    migrator = gated_env.run_migrator_process()
    try:
        wait_until(lambda: waiting_on_advisory_locks(gated_env, gated_env.algo) == 1, what="the gate revision to block")
        migrator.kill()  # SIGKILL, inside revision 0001a's transaction
        migrator.wait(10)
    finally:
        if migrator.poll() is None:
            migrator.kill()
    assert version(gated_env, gated_env.algo) == "0001_users_strategies"
    assert not exists(gated_env, gated_env.algo, "gate_marker")  # the half-done revision rolled back
    gate.execute("SELECT pg_advisory_unlock(%s)", [GATE_KEY])

    report = next(r for r in migrate_postgres(gated_env.spec, gated_env.endpoints, gated_env.secrets, MigrateOptions())
                  if r.database == gated_env.algo)
    assert [c.detail.split()[0] for c in report.applied if c.action == "alembic_upgrade"] == [
        "0001a_test_gate", "0002_trading", "0003_backtests_portfolio", "0004_live_trading"]
    assert exists(gated_env, gated_env.algo, "gate_marker") and exists(gated_env, gated_env.algo, "orders")


def test_two_migrators_one_upgrades_the_other_waits_and_finds_head(gated_env, gate):
    first = gated_env.run_migrator_process()
    wait_until(lambda: waiting_on_advisory_locks(gated_env, gated_env.algo) == 1, what="the first migrator at the gate")
    second = gated_env.run_migrator_process()
    # The second waits on the migration lock (a second ungranted advisory lock in the database).
    wait_until(lambda: waiting_on_advisory_locks(gated_env, gated_env.algo) == 2, what="the second migrator to wait")

    with pytest.raises(RuntimeFailure, match="held the migration lock for more than 1s"):
        migrate_postgres(gated_env.spec, gated_env.endpoints, gated_env.secrets, MigrateOptions(lock_timeout_s=1))

    gate.execute("SELECT pg_advisory_unlock(%s)", [GATE_KEY])
    out_first, err_first = first.communicate(timeout=60)
    out_second, err_second = second.communicate(timeout=60)
    assert first.returncode == 0, err_first
    assert second.returncode == 0, err_second
    upgraded = {r["database"]: r for r in json.loads(out_first)}[gated_env.algo]
    waited = {r["database"]: r for r in json.loads(out_second)}[gated_env.algo]
    assert len([c for c in upgraded["applied"] if c["action"] == "alembic_upgrade"]) == 5  # with the gate
    assert [c for c in waited["applied"] if c["action"] == "alembic_upgrade"] == []
    assert waited["revision"] == {"current": "0004_live_trading", "head": "0004_live_trading"}
    assert "waiting up to" in err_second
