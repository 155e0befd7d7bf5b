"""`datastack migrate down` for PostgreSQL, through the real CLI against the session's PostgreSQL (declared external).

Rolls a database back through Alembic as its owner, under migrate's two locks; refuses bad input in one line
without changing anything; a failing downgrade stops at the last completed revision; an instance rolls back by name.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from roles.postgres.reconcile.advisory_lock import lock_key
from roles.postgres.reconcile.migration_lock import database_key
from roles.postgres.reconcile.settings import load_alembic_settings
from tests.support.environments import reachable_tmpdir
from tests.support.external import SpecCli, file_reference

from .conftest import GATE_KEY, MIGRATIONS

pytestmark = pytest.mark.integration

ALGO_0004_TABLES = {"risk_rules", "live_strategies", "strategy_executions", "signal_history", "market_data_cache"}
_names = itertools.count()


def database(name: str, alembic: Path | None, root: Path) -> dict:
    users = [{"name": f"{name}_{access}", "access": access} for access in ("owner", "app", "readonly")]
    for user in users:
        user["password"] = file_reference(root, user["name"], f"pw-{user['name']}-secret")
    return {**({"alembic": str(alembic)} if alembic else {}), "users": users}


class DownCli(SpecCli):
    """One spec file over the session's PostgreSQL: `databases` (name -> Alembic dir or None), an optional instance."""

    def __init__(self, server, databases: dict[str, Path | None], instance: dict[str, Path | None] | None = None):
        root = reachable_tmpdir("ds-pgdown-")
        super().__init__(root, root / "spec.yaml")
        self.server = server
        admin = {"name": "postgres", "password": file_reference(root, "admin", server.password)}
        external = {"host": "127.0.0.1", "port": server.port}
        services = {"postgres": {"external": external, "superuser": admin,
                                 "databases": {n: database(n, d, root) for n, d in databases.items()}}}
        if instance:
            services["postgres-reports"] = {"instance_of": "postgres", "external": dict(external), "superuser": dict(admin),
                                            "databases": {n: database(n, d, root) for n, d in instance.items()}}
        self.spec_path.write_text(yaml.safe_dump({"name": "pgdown", "state_dir": str(root / "state"),
                                                  "services": services}))
        self.secret_values = [server.password] + [p.read_text() for p in (root / "secrets").iterdir()]

    def ok(self, *args: str) -> subprocess.CompletedProcess:
        done = self.cli(*args)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    def down(self, *args: str) -> subprocess.CompletedProcess:
        return self.cli("migrate", "down", *args)

    def process(self, *args: str) -> subprocess.Popen:
        """The CLI in the background (to run two at once)."""
        return subprocess.Popen([sys.executable, "-m", "datastack.cli", *args, "--spec", str(self.spec_path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def version(self, db: str) -> list[str]:
        with self.server.connect(db) as conn:
            return [r for (r,) in conn.execute("SELECT version_num FROM alembic_version ORDER BY 1")]

    def tables(self, db: str) -> set[str]:
        with self.server.connect(db) as conn:
            return {r for (r,) in conn.execute("SELECT table_name FROM information_schema.tables "
                                               "WHERE table_schema = 'public' AND table_name <> 'alembic_version'")}

    def columns(self, db: str, table: str) -> set[str]:
        with self.server.connect(db) as conn:
            return {r for (r,) in conn.execute("SELECT column_name FROM information_schema.columns "
                                               "WHERE table_schema = 'public' AND table_name = %s", [table])}

    def status(self, store: str, db: str) -> dict:
        stores = json.loads(self.ok("migrate", "status", "--json").stdout)["stores"]
        return next(s for s in stores if s["store"] == store and s["database"] == db)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def make_cli(pg_server):
    made: list[DownCli] = []

    def make(databases, instance=None) -> DownCli:
        made.append(DownCli(pg_server, databases, instance))
        return made[-1]

    yield make
    for cli in made:
        cli.remove()


def unique(prefix: str) -> str:
    """A database name no other test of the session's cluster uses (conftest's are `<prefix>_<pid>_<n>`)."""
    return f"{prefix}_down_{os.getpid()}_{next(_names)}"


def assert_one_line_refusal(done: subprocess.CompletedProcess, cli: DownCli, *words: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and "fix:" in lines[0], done.stderr
    assert all(w in lines[0] for w in words), lines[0]
    assert not any(secret in done.stdout + done.stderr for secret in cli.secret_values)


def test_down_to_the_previous_revision_then_migrate_brings_it_back(make_cli):
    algo = unique("algo_trading")
    cli = make_cli({algo: MIGRATIONS / "algo_trading"})
    cli.ok("migrate")
    assert cli.version(algo) == ["0004_live_trading"] and ALGO_0004_TABLES <= cli.tables(algo)

    done = cli.ok("migrate", "down", "--to", "0003_backtests_portfolio", "--database", algo)
    assert f"postgres {algo}: downgraded from 0004_live_trading to 0003_backtests_portfolio" in done.stderr
    assert "alembic_downgrade" in done.stdout and "upgrades" in done.stdout and "not at head" in done.stdout
    assert cli.version(algo) == ["0003_backtests_portfolio"]
    assert not ALGO_0004_TABLES & cli.tables(algo), "the downgraded tables are really gone"
    assert "backtests" in cli.tables(algo)
    status = cli.status("postgres", algo)
    assert status["revision"] == {"current": "0003_backtests_portfolio", "head": "0004_live_trading"}
    assert any("not at head" in note for note in status["notes"])

    cli.ok("migrate")
    assert cli.version(algo) == ["0004_live_trading"] and ALGO_0004_TABLES <= cli.tables(algo)


def test_down_by_unique_prefix_then_to_base(make_cli):
    algo = unique("algo_trading")
    cli = make_cli({algo: MIGRATIONS / "algo_trading"})
    cli.ok("migrate")
    report = json.loads(cli.ok("migrate", "down", "--to", "0002", "--json").stdout)["stores"][0]  # the only database
    assert [c["detail"].split()[0] for c in report["applied"]] == ["0004_live_trading", "0003_backtests_portfolio"]
    assert {c["action"] for c in report["applied"]} == {"alembic_downgrade"}
    assert report["revision"] == {"current": "0002_trading", "head": "0004_live_trading"}
    assert cli.version(algo) == ["0002_trading"] and "orders" in cli.tables(algo) and "backtests" not in cli.tables(algo)

    cli.ok("migrate", "down", "--to", "base", "--database", algo)
    assert cli.version(algo) == [] and cli.tables(algo) == set()
    cli.ok("migrate")
    assert cli.version(algo) == ["0004_live_trading"]


@pytest.mark.parametrize("args, words", [
    (["--to", "0002_trading", "--database", "{plain}"], ["{plain}", "no Alembic scripts"]),
    (["--to", "9999_nowhere", "--database", "{algo}"], ["'9999_nowhere' is not a revision"]),
    (["--to", "0004_live_trading", "--database", "{algo}"], ["nothing to roll back", "at 0004_live_trading"]),
    (["--to", "0002_trading", "--database", "not_declared"], ["no database 'not_declared'"]),
], ids=["no-alembic", "unknown-revision", "already-there", "undeclared-database"])
def test_bad_input_is_refused_in_one_line_and_changes_nothing(make_cli, args, words):
    algo, plain = unique("algo_trading"), unique("plain")
    cli = make_cli({algo: MIGRATIONS / "algo_trading", plain: None})
    cli.ok("migrate")
    before = (cli.version(algo), cli.tables(algo))
    done = cli.down(*(a.format(algo=algo, plain=plain) for a in args))
    assert_one_line_refusal(done, cli, *(w.format(algo=algo, plain=plain) for w in words))
    assert (cli.version(algo), cli.tables(algo)) == before


def test_a_revision_above_the_current_one_is_refused(make_cli):
    algo = unique("algo_trading")
    cli = make_cli({algo: MIGRATIONS / "algo_trading"})
    cli.ok("migrate")
    cli.ok("migrate", "down", "--to", "0002_trading")
    before = cli.tables(algo)
    done = cli.down("--to", "0003_backtests_portfolio")
    assert_one_line_refusal(done, cli, "0003_backtests_portfolio is not below", "0002_trading")
    assert cli.version(algo) == ["0002_trading"] and cli.tables(algo) == before


def test_a_failing_downgrade_names_its_revision_and_stops_at_the_last_completed_one(make_cli):
    scripts = reachable_tmpdir("ds-broken-") / "algo_trading"
    shutil.copytree(MIGRATIONS / "algo_trading", scripts, ignore=shutil.ignore_patterns("__pycache__"))
    second = scripts / "versions" / "0002_orders_trades_positions.py"
    # Its tables are dropped, then the downgrade fails: its own transaction must undo the drops.
    second.write_text(second.read_text() + '\n\ndef downgrade() -> None:\n'
                      '    for table in ("positions", "trades", "orders"):\n        op.drop_table(table)\n'
                      '    op.execute("SELECT 1/0")\n')
    try:
        algo = unique("algo_trading")
        cli = make_cli({algo: scripts})
        cli.ok("migrate")
        done = cli.down("--to", "base")
        assert done.returncode == 1, done.stdout + done.stderr
        assert "the downgrade of revision 0002_trading" in done.stderr and "division by zero" in done.stderr
        assert "stays at 0002_trading" in done.stderr
        assert cli.version(algo) == ["0002_trading"]
        assert {"orders", "trades", "positions"} <= cli.tables(algo) and "backtests" not in cli.tables(algo)
    finally:
        shutil.rmtree(scripts.parent, ignore_errors=True)


def test_an_instance_rolls_back_by_name(make_cli):
    main_db, reports_db = unique("shop"), unique("reports")
    cli = make_cli({main_db: MIGRATIONS / "trading_service"}, instance={reports_db: MIGRATIONS / "trading_service"})
    cli.ok("migrate")
    assert "metadata" in cli.columns(reports_db, "orders")

    done = cli.ok("migrate", "down", "--store", "postgres-reports", "--to", "0002_phase1_multi_user")
    assert f"postgres-reports {reports_db}: downgraded from 0003_orders_metadata" in done.stderr
    assert "metadata" not in cli.columns(reports_db, "orders"), "the downgraded column is really gone"
    assert cli.version(reports_db) == ["0002_phase1_multi_user"]
    assert cli.version(main_db) == ["0003_orders_metadata"], "the other store is untouched"
    assert cli.status("postgres-reports", reports_db)["revision"]["current"] == "0002_phase1_multi_user"

    # Without --store, --database picks the one store that declares it.
    cli.ok("migrate", "down", "--database", main_db, "--to", "0001_initial")
    assert cli.version(main_db) == ["0001_initial"] and cli.version(reports_db) == ["0002_phase1_multi_user"]
    refused = cli.down("--to", "0001_initial")
    assert_one_line_refusal(refused, cli, "several stores can roll back", "postgres, postgres-reports")


def alembic_key(db: str) -> int:
    return lock_key(load_alembic_settings().lock_namespace, db)


@pytest.mark.parametrize("key", [database_key, alembic_key], ids=["migration-lock", "alembic-lock"])
def test_down_waits_for_a_holder_of_either_lock(make_cli, key):
    algo = unique("algo_trading")
    cli = make_cli({algo: MIGRATIONS / "algo_trading"})
    cli.ok("migrate")
    with cli.server.connect(algo) as holder:  # advisory locks are per database: held in the migrated one
        holder.execute("SELECT pg_advisory_lock(%s)", [key(algo)])
        waiting = cli.process("migrate", "down", "--to", "0003_backtests_portfolio", "--lock-timeout", "60")
        time.sleep(3)
        assert waiting.poll() is None, waiting.communicate()
        assert cli.version(algo) == ["0004_live_trading"], "nothing rolled back while the lock is held"
        holder.execute("SELECT pg_advisory_unlock(%s)", [key(algo)])
        out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, out + err
    assert "another migrator holds the migration lock" in err
    assert cli.version(algo) == ["0003_backtests_portfolio"]


def test_down_gives_up_after_its_lock_timeout_in_one_line(make_cli):
    algo = unique("algo_trading")
    cli = make_cli({algo: MIGRATIONS / "algo_trading"})
    cli.ok("migrate")
    with cli.server.connect(algo) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [database_key(algo)])
        done = cli.down("--to", "0003_backtests_portfolio", "--lock-timeout", "1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "held the migration lock for more than 1s" in done.stderr.splitlines()[-1]
    assert cli.version(algo) == ["0004_live_trading"]


def test_down_started_during_a_migrate_waits_for_it_and_never_interleaves(make_cli, gated_algo_dir, pg_server):
    """`migrate` is caught inside a revision (the gate); a `migrate down` started then waits for all of it and rolls
    back from head afterwards, instead of reading the ledger mid-upgrade."""
    algo = unique("algo_trading")
    cli = make_cli({algo: gated_algo_dir})
    cli.ok("migrate")
    cli.ok("migrate", "down", "--to", "0001_users_strategies")
    with pg_server.connect(algo) as gate:  # advisory locks are per database: the gate revision waits in this one
        gate.execute("SELECT pg_advisory_lock(%s)", [GATE_KEY])
        upgrading = cli.process("migrate")
        wait_for(lambda: _waiting_on_gate(pg_server, algo), "the migrate to reach the gate revision")
        rolling_back = cli.process("migrate", "down", "--to", "0001_users_strategies", "--lock-timeout", "60")
        time.sleep(3)
        assert rolling_back.poll() is None, rolling_back.communicate()
        gate.execute("SELECT pg_advisory_unlock(%s)", [GATE_KEY])
        up_out, up_err = upgrading.communicate(timeout=120)
        down_out, down_err = rolling_back.communicate(timeout=120)
    assert upgrading.returncode == 0, up_out + up_err
    assert rolling_back.returncode == 0, down_out + down_err
    assert "downgraded from 0004_live_trading" in down_err and "downgraded from 0001a_test_gate" in down_err
    assert cli.version(algo) == ["0001_users_strategies"]
    assert "gate_marker" not in cli.tables(algo) and "orders" not in cli.tables(algo)


def _waiting_on_gate(server, db: str) -> bool:
    with server.connect() as conn:
        return conn.execute("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                            "WHERE l.locktype = 'advisory' AND l.objid = %s AND NOT l.granted AND d.datname = %s",
                            [GATE_KEY, db]).fetchone()[0] > 0


def wait_for(condition, what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
