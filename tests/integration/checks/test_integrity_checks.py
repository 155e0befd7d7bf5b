"""Critical query plans, seed documents and references, checked against a real migrated environment:
each passes when all is well, fails naming the query/seed/reference when broken on purpose (also in
--read-only mode, which writes nothing), and passes again after `migrate` (or the data is repaired)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from bson import ObjectId

from .helpers import check, messages, migrate, migrated_environment, write_counters

pytestmark = pytest.mark.integration
SELECT = "queries or seeds or references"


@pytest.fixture(scope="module")
def env():
    environment = migrated_environment("datastack-integrity-")
    try:
        yield environment
    finally:
        environment.destroy()


def _pg(env, database: str):
    import psycopg

    return psycopg.connect(env.uri("postgres").rsplit("/", 1)[0] + f"/{database}", autocommit=True)


def _mongo(env):
    import pymongo

    return pymongo.MongoClient(env.uri("mongodb"))


def _one(failed: dict[str, str], fragment: str) -> str:
    found = [m for k, m in failed.items() if fragment in k]
    assert found, f"no failed check matching {fragment}: {sorted(failed)}"
    return found[0]


def test_declared_queries_seeds_and_references_pass_on_a_fresh_environment(env):
    code, result, output = check(env, "-k", SELECT)
    assert code == 0, output
    kinds = {(c["service"], c["category"]): 0 for c in result["checks"]}
    for c in result["checks"]:
        assert c["outcome"] == "passed", c
        kinds[(c["service"], c["category"])] += 1
    assert kinds[("mongodb", "queries")] == 9 and kinds[("postgres", "queries")] == 6
    assert kinds[("mongodb", "seeds")] == 12 and kinds[("mongodb", "references")] == 5


def test_dropped_indexes_fail_naming_query_and_plan_until_migrate(env):
    with _mongo(env) as client:
        client["bot_core"]["positions"].drop_index("user_id_1_symbol_1")
    with _pg(env, "algo_trading") as conn:
        conn.execute("DROP INDEX idx_positions_user_symbol")
    code, result, _ = check(env, "-k", "queries")
    failed = messages(result)
    assert code == 1 and len(failed) == 2, failed
    mongo = _one(failed, "test_mongodb_queries.py::test_critical_query_uses_its_index[bot_core.positions_by_user_and_symbol]")
    assert "query positions_by_user_and_symbol on positions ran as COLLSCAN, expected index user_id_1_symbol_1" in mongo
    pg = _one(failed, "test_postgres_queries.py::test_critical_query_uses_its_index[algo_trading.positions_by_user_and_symbol]")
    assert "query positions_by_user_and_symbol planned as Seq Scan on positions" in pg
    assert "expected index idx_positions_user_symbol" in pg and "enable_seqscan off" in pg
    # Alembic is at head and applies nothing: migrate recreates the index from the scripts' own definition
    # (MongoDB's reconciler its own), planned first by a dry run that changes nothing.
    cache = env.session.state_dir / "checks" / "postgres-structure-algo_trading.json"
    cache.rename(cache.with_suffix(".away"))
    try:  # a cold reference: the dry run does not build it (that writes a scratch database), it says so
        cold = _migrate_cli(env, "--dry-run", changes=False)
    finally:
        cache.with_suffix(".away").rename(cache)
    algo = next(r for r in cold if r["database"] == "algo_trading")
    assert "index comparison skipped" in " ".join(algo["notes"]) and not algo["planned"], algo
    status = _migrate_cli(env, "status", changes=False)
    assert [c["detail"].split()[0] for r in status for c in r["planned"] if r["database"] == "algo_trading"] == \
        ["idx_positions_user_symbol"], status
    planned = _migrate_cli(env, "--dry-run")
    assert ("algo_trading.positions", "create_index") in {(c["target"], c["action"]) for c in planned}, planned
    assert len(messages(check(env, "-k", "queries")[1])) == 2, "the dry run wrote"
    applied = _migrate_cli(env)
    assert [c["detail"] for c in applied if c["target"] == "algo_trading.positions"] == \
        ["idx_positions_user_symbol (missing; declared by the Alembic scripts at head)"], applied
    with _pg(env, "algo_trading") as conn:
        indexdef = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_positions_user_symbol'").fetchone()
    assert indexdef and "positions USING btree (user_id, symbol)" in indexdef[0], indexdef
    code, result, output = check(env, "-k", "queries")
    assert code == 0, output


def _migrate_cli(env, *args: str, changes: bool = True) -> list[dict]:
    """`datastack migrate --json` through the real CLI: the changes it planned (dry run) or applied, or its reports."""
    import json
    import subprocess
    import sys

    command, options = (["status"], args[1:]) if args[:1] == ("status",) else ([], args)
    done = subprocess.run([sys.executable, "-m", "datastack.cli", "migrate", *command, "--spec", str(env.spec_path),
                           "--json", *options],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    reports = json.loads(done.stdout)["stores"]
    if not changes:
        return reports
    return [c for r in reports for c in r["planned" if "--dry-run" in args or command else "applied"]]


def test_missing_seed_and_orphan_fail_read_only_without_writing(env):
    orphan_user = ObjectId()
    with _mongo(env) as client:
        db = client["bot_core"]
        db["system_config"].delete_one({"_id": "global_config"})
        trade = db["trades"].insert_one({"user_id": orphan_user, "symbol": "BTCUSDT", "side": "BUY", "quantity": 1,
                                         "price": 100, "status": "open", "created_at": datetime.now(UTC)}).inserted_id
    before = write_counters(env)
    code, result, output = check(env, "-k", SELECT, "--read-only")
    time.sleep(0.5)  # PostgreSQL backends flush their statistics as they close
    assert write_counters(env) == before, "read-only check wrote"
    failed = messages(result)
    assert code == 1 and len(failed) == 2, failed
    seed = _one(failed, "test_seed_document_present[bot_core.system_config.global_config]")
    assert seed == ("bot_core.system_config: seed document 'global_config' is missing — "
                    f"fix: datastack migrate --spec {env.spec_path} (restores it)")
    ref = _one(failed, "test_reference_has_no_orphans[bot_core.trades.user_id]")
    assert "reference trades.user_id -> users._id: 1 orphan(s)" in ref
    assert f"_id {trade!r} (user_id {orphan_user!r})" in ref
    migrate(env)  # restores the seed document; the orphan is data, repaired by hand
    with _mongo(env) as client:
        client["bot_core"]["trades"].delete_one({"_id": trade})
    code, result, output = check(env, "-k", SELECT, "--read-only")
    assert code == 0, output


def test_changed_seed_value_fails_naming_the_field(env):
    with _mongo(env) as client:
        client["bot_core"]["system_config"].update_one({"_id": "global_config"}, {"$set": {"maintenance_mode": True}})
    code, result, _ = check(env, "-k", "seeds")
    assert code == 1
    assert "seed document 'global_config': maintenance_mode is True, declared False" in \
        _one(messages(result), "global_config")
    migrate(env)
    assert check(env, "-k", "seeds")[0] == 0


def test_html_and_prometheus_reports_of_a_failing_run(env):
    from prometheus_client.parser import text_string_to_metric_families

    from tests.support.browser import ARTIFACTS, render

    with _mongo(env) as client:
        client["bot_core"]["sessions"].drop_index("session_token_1")
    page, metrics = env.root / "report.html", env.root / "datastack.prom"
    try:
        code, result, output = check(env, "--html", str(page), "--prometheus", str(metrics))
    finally:
        migrate(env)
    assert code == 1, output
    text = page.read_text()
    assert text.index('id="failures"') < text.index('id="checks"') < text.index('id="latency"') < text.index('id="design"')
    assert "query session_by_token on sessions ran as COLLSCAN" in text and "<svg" in text and "budget " in text
    assert "<script" not in text and "http://" not in text and "https://" not in text.replace("https://testnet", "")
    for secret in env.secrets().values():
        assert secret not in text and secret not in metrics.read_text()
    console = render(page, ARTIFACTS / "check-report.png")
    assert console == [], console
    assert (ARTIFACTS / "check-report.png").stat().st_size > 10_000

    families = {f.name: f for f in text_string_to_metric_families(metrics.read_text())}
    assert families["datastack_check_ok"].samples[0].value == 0
    results = families["datastack_check_result"].samples
    assert len(results) == len(result["checks"])
    failed = [s.labels["check"] for s in results if s.labels["outcome"] == "failed"]
    assert any("session_by_token" in name for name in failed)
    # Indexes are compared per collection (one check item each): the sessions item fails, naming the index.
    assert any("sessions" in name for name in failed)
    assert any("session_token_1" in text for text in messages(result).values())
    quantiles = {(s.labels["probe"], s.labels["quantile"]) for s in families["datastack_latency_milliseconds"].samples}
    assert {q for _, q in quantiles} == {"0.5", "0.95", "0.99", "1"}
    drift = {s.labels["service"]: s.value for s in families["datastack_drift_failures"].samples}
    assert drift["mongodb"] >= 2 and drift["postgres"] == 0
    heads = {(s.labels["service"], s.labels["database"]): s.value for s in families["datastack_revision_at_head"].samples}
    assert heads[("mongodb", "bot_core")] == 1 and heads[("postgres", "algo_trading")] == 1


def test_the_console_check_sees_errors(tmp_path):
    """The browser helper is not blind: a page that logs and throws is reported."""
    from tests.support.browser import render

    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><p>x</p><script>console.error("deliberate"); undefinedFunction();</script>')
    console = render(page, tmp_path / "broken.png", width=400, height=300)
    assert any("deliberate" in line for line in console) and any("undefinedFunction" in line for line in console)


def test_unwritable_report_path_is_one_line_exit_2(env):
    import subprocess
    import sys

    for option, path in (("--html", env.root), ("--prometheus", env.root / "missing" / "x.prom")):
        done = subprocess.run([sys.executable, "-m", "datastack.cli", "check", "--spec", str(env.spec_path), option, str(path)],
                              capture_output=True, text=True, timeout=60)
        lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        assert done.returncode == 2 and len(lines) == 1, done
        assert option in lines[0] and str(path) in lines[0] and "fix:" in lines[0]


def test_unmanaged_seed_fields_are_initial_values_only(env):
    import subprocess
    import sys

    import yaml

    from datastack.paths import PROJECT_ROOT

    from .helpers import spec_variant

    schema = yaml.safe_load((PROJECT_ROOT / "migrations/mongodb/bot_core/schema.yaml").read_text())
    schema["managed_seed_fields"] = {"system_config": ["category", "maintenance_mode"]}
    schema_file = env.root / "managed-schema.yaml"
    schema_file.write_text(yaml.safe_dump(schema, sort_keys=False))
    variant = spec_variant(env, "managed.yaml", lambda d: d["services"]["mongodb"]["databases"]["bot_core"].update(
        schema=str(schema_file)))

    def migrate_variant():
        done = subprocess.run([sys.executable, "-m", "datastack.cli", "migrate", "--spec", str(variant)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    with _mongo(env) as client:
        config = client["bot_core"]["system_config"]
        config.update_one({"_id": "global_config"}, {"$set": {"trading_enabled": True}})  # switched on by hand
        assert check(env, "-k", "seeds", spec=variant)[0] == 0
        code, result, _ = check(env, "-k", "seeds")  # every field managed: the hand change is drift
        assert code == 1 and "trading_enabled is True, declared False" in _one(messages(result), "global_config")
        migrate_variant()
        assert config.find_one({"_id": "global_config"})["trading_enabled"] is True
        config.delete_one({"_id": "global_config"})
        migrate_variant()
        restored = config.find_one({"_id": "global_config"})
        assert restored["trading_enabled"] is False and restored["max_concurrent_trades"] == 100
    migrate(env)
