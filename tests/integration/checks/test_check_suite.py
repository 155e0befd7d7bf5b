"""`datastack check` against a real, migrated throwaway environment: it passes when all is well, makes no
write in --read-only mode, and catches each thing broken on purpose with the right message."""

from __future__ import annotations

import os
import signal
import time
import xml.etree.ElementTree as ET

import pytest

from .helpers import check, messages, migrated_environment, spec_variant, write_counters

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def env():
    environment = migrated_environment("datastack-check-")
    try:
        yield environment
    finally:
        environment.destroy()


def test_fresh_environment_passes_with_every_report(env):
    junit, report = env.root / "junit.xml", env.root / "report.md"
    code, result, output = check(env, "--junit", str(junit), "--report", str(report))
    assert code == 0, output
    assert result["ok"] and result["counts"]["failed"] == 0
    covered = {(c["service"], c["category"]) for c in result["checks"] if c["outcome"] == "passed"}
    for service in ("mongodb", "postgres", "redis"):
        for category in ("health", "users", "drift", "latency"):
            assert (service, category) in covered, f"no passing {service} {category} check"
    assert ("app", "health") in covered
    probes = {p["probe"].split()[0] + " " + p["probe"].split()[1] for p in result["latency"]}
    assert {"mongodb ping", "postgres SELECT", "redis PING"} <= probes
    assert all(p["p50"] <= p["p95"] <= p["p99"] <= p["max"] for p in result["latency"])
    suite = ET.parse(junit).getroot()
    assert int(suite[0].get("tests")) == len(result["checks"]) and int(suite[0].get("failures")) == 0
    text = report.read_text()
    assert text.startswith("# Check report: local") and "## Latency (ms)" in text
    skipped = messages(result, "skipped")
    replica = next(m for k, m in skipped.items() if "test_mongodb_replica_set" in k)
    assert replica.startswith("stand-in, single node")


def test_read_only_makes_zero_writes(env):
    before = write_counters(env)
    code, result, output = check(env, "--read-only")
    time.sleep(0.5)  # let PostgreSQL backends that just closed flush their statistics
    after = write_counters(env)
    assert code == 0, output
    assert result["read_only"] is True
    assert after == before, f"read-only run wrote: before {before}, after {after}"
    skipped = messages(result, "skipped")
    assert any("insert probe writes" in m for m in skipped.values())
    # The counters do see writes: a normal run (scratch inserts, SETs) moves every one of them.
    check(env)
    time.sleep(0.5)
    moved = write_counters(env)
    assert all(moved[s] > after[s] for s in after), f"counters did not move on a writing run: {after} -> {moved}"


def test_impossible_budget_fails_with_figures(env):
    def tiny(data):
        data["checks"] = {"budgets": {"mongodb": {"ping": 0.0001}, "redis": {"get": 0.0001}}, "samples": 20}

    code, result, _ = check(env, "-k", "latency", spec=spec_variant(env, "tiny.yaml", tiny))
    failed = messages(result)
    assert code == 1
    ping = next(m for k, m in failed.items() if "mongodb_ping_latency" in k)
    assert "mongodb ping: p50" in ping and "over the budget of 0.0001 ms" in ping and "checks.budgets.mongodb.ping" in ping
    assert any("redis_get_latency" in k for k in failed)
    assert not any("postgres" in k for k in failed)


def test_broken_things_are_caught_with_exact_messages(env):
    import psycopg
    import pymongo
    import redis

    with pymongo.MongoClient(env.uri("mongodb")) as client:
        db = client["bot_core"]
        db["trades"].drop_index("user_id_1_status_1_created_at_-1")
        db["trades"].create_index("intruder", name="intruder_1")
        db.command("collMod", "notifications", index={"name": "created_at_1", "expireAfterSeconds": 60})
        db.command("collMod", "users", validator={})
        db.command("createUser", "intruder", pwd="intruder-password-1", roles=["read"])
        db.command("grantRolesToUser", "bot_core_readonly", roles=["readWrite"])
    with psycopg.connect(env.uri("postgres").rsplit("/", 1)[0] + "/algo_trading", autocommit=True) as conn:
        conn.execute("GRANT CREATE ON SCHEMA public TO algo_trading_readonly")
    r = redis.Redis.from_url(env.uri("redis"))
    r.execute_command("ACL", "SETUSER", "monitoring", "+@write")
    r.close()

    code, result, _ = check(env)
    failed = messages(result)
    assert code == 1
    fix = f"fix: datastack migrate --spec {env.spec_path}"  # the fix names the spec file the check was given

    def one(fragment: str) -> str:
        found = [m for k, m in failed.items() if fragment in k]
        assert found, f"no failed check matching {fragment}: {sorted(failed)}"
        return found[0]

    # One check per collection, one line per drifted object in it, then the fixes they need.
    assert one("test_collection_matches_spec[bot_core.trades]") == (
        "bot_core.trades: index user_id_1_status_1_created_at_-1 missing\n"
        "bot_core.trades: index intruder_1 {'intruder': 1} is not declared"
        f" — {fix}; datastack migrate --spec {env.spec_path} --prune (or declare it in the schema)")
    assert one("test_collection_matches_spec[bot_core.notifications]") == \
        f"bot_core.notifications.created_at_1: expireAfterSeconds 60 != declared 2592000 — {fix}"
    assert one("test_collection_matches_spec[bot_core.users]") == \
        f"bot_core.users: validator missing (declared $jsonSchema) — {fix}"
    assert "undeclared users: bot_core.intruder" in one("test_no_undeclared_users")
    assert "bot_core.bot_core_readonly: roles differ: not declared readWrite@bot_core" in \
        one("test_user_has_exactly_declared_roles[bot_core.bot_core_readonly]")
    readonly = one("test_mongodb_users.py::test_readonly_users_cannot_write")
    assert "bot_core.bot_core_readonly is readonly but may" in readonly and "readWrite@bot_core" in readonly
    pg = one("test_postgres_users.py::test_readonly_roles_cannot_write")
    assert "readonly role algo_trading_readonly may CREATE in schema public" in pg
    assert "revoke CREATE from algo_trading_readonly" in one("test_grants_match_spec[algo_trading]")
    acl = one("test_user_acl_matches_spec[monitoring]")
    assert acl.startswith("redis user monitoring: may also run @write") and acl.endswith(fix)
    assert "redis user monitoring is readonly but may run SET" in one("test_redis_users.py::test_readonly_users_cannot_write")
    # Nothing else broke: each failure is one of the things broken above.
    unrelated = [k for k in failed if not any(s in k for s in (
        "bot_core.trades]", "bot_core.notifications]", "users]", "undeclared_users", "bot_core_readonly",
        "readonly_users_cannot_write", "readonly_roles_cannot_write", "grants_match_spec[algo_trading]", "monitoring",
        "trades_by_user_and_status"))]  # the critical query loses the index dropped above
    assert not unrelated, unrelated


def test_stopped_service_fails_fast_and_others_still_run(env):
    from tests.support.environments import port_free

    port = env.endpoints().redis.port
    pid = _listener_pid(port)
    os.kill(pid, signal.SIGKILL)  # the redis-server this test's environment started
    deadline = time.monotonic() + 10
    while not port_free(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    started = time.monotonic()
    code, result, output = check(env)
    took = time.monotonic() - started
    assert code == 1 and "Traceback" not in output
    failed = messages(result)
    redis_failed = {k: m for k, m in failed.items() if "redis" in k}
    assert redis_failed and any("is unreachable" in m and f"fix: start it with 'datastack up --spec {env.spec_path}' and look at 'datastack status --spec {env.spec_path}'" in m
                                for m in redis_failed.values())
    assert any("nothing listens on" in m for m in redis_failed.values())
    passed = {c["service"] for c in result["checks"] if c["outcome"] == "passed"}
    assert {"mongodb", "postgres"} <= passed
    assert took < 30, f"a dead Redis made the suite take {took:.1f}s"


def _listener_pid(port: int) -> int:
    import re
    import subprocess

    out = subprocess.run(["ss", "-Htlnp", f"sport = :{port}"], capture_output=True, text=True).stdout
    return int(re.search(r"pid=(\d+)", out).group(1))
