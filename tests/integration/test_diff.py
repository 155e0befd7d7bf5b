"""`datastack diff` between two real, migrated environments: identical ones are the same; after one index
changed, one user removed and one Alembic revision rolled back on the copy, exactly those three differences
are reported (exit 1, --json too), and the diff itself writes nothing on either side."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.integration.checks.helpers import migrated_environment, write_counters

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pair():
    local = migrated_environment("datastack-diff-a-")
    try:
        copy = migrated_environment("datastack-diff-b-")
        try:
            yield local, copy
        finally:
            copy.destroy()
    finally:
        local.destroy()


def diff(a, b, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "datastack.cli", "diff", "--spec", str(a.spec_path), "--spec", str(b.spec_path), *extra],
                          capture_output=True, text=True, timeout=120)


def alembic_one_back(env, database: str) -> None:
    from alembic import command

    from roles.postgres.reconcile.alembic_runner import alembic_config, alembic_options
    from roles.postgres.reconcile.connect import engine_for
    from roles.postgres.reconcile.settings import load_alembic_settings
    from datastack.paths import PROJECT_ROOT

    db = env.spec.services.postgres.databases[database]
    engine = engine_for(env.spec, env.endpoints(), env.secrets(), database=database, user=db.owner.name)
    try:
        with engine.connect() as conn:
            command.downgrade(alembic_config(PROJECT_ROOT / db.alembic, alembic_options(load_alembic_settings(), db.schema_name), conn), "-1")
            conn.commit()
    finally:
        engine.dispose()


def test_identical_environments_are_the_same(pair):
    done = diff(*pair)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "are the same" in done.stdout


def test_three_changes_are_exactly_three_differences_read_only(pair):
    import pymongo

    local, copy = pair
    with pymongo.MongoClient(copy.uri("mongodb")) as client:
        db = client["bot_core"]
        db["positions"].drop_index("user_id_1_symbol_1")
        db["positions"].create_index([("user_id", 1), ("symbol", 1)], name="user_id_1_symbol_1")  # no longer unique
        db.command("dropUser", "bot_core_readonly")
    alembic_one_back(copy, "algo_trading")

    before = write_counters(local), write_counters(copy)
    done = diff(local, copy, "--json")
    time.sleep(0.5)  # PostgreSQL backends flush their statistics as they close
    assert (write_counters(local), write_counters(copy)) == before, "diff wrote"
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    found = {(d["store"], d["where"], d["what"]) for d in report["differences"]}
    assert found == {
        ("mongodb", "bot_core.positions index user_id_1_symbol_1", "differs"),
        ("mongodb", "bot_core user bot_core_readonly", "only in the first"),
        ("postgres", "algo_trading alembic revision", "differs"),
    }, report["differences"]
    index = next(d for d in report["differences"] if "index" in d["where"])
    assert index["a"]["unique"] is True and "unique" not in index["b"]
    revision = next(d for d in report["differences"] if d["store"] == "postgres")
    assert (revision["a"], revision["b"]) == ("0004_live_trading", "0003_backtests_portfolio")
    assert "structural differences follow from it" in revision["detail"]

    text = diff(local, copy)
    assert text.returncode == 1 and "3 difference(s)" in text.stdout
    for secret in [*local.secrets().values(), *copy.secrets().values()]:
        assert secret not in text.stdout + text.stderr + done.stdout


def test_one_side_is_bad_usage(pair):
    local, _ = pair
    done = subprocess.run([sys.executable, "-m", "datastack.cli", "diff", "--spec", str(local.spec_path)],
                          capture_output=True, text=True, timeout=60)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1 and "fix:" in lines[0]
