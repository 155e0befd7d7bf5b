"""Pure parts of the check suite: percentiles, Redis ACL rules by effect, result classification and reports."""

from __future__ import annotations

import pytest

from checks.lib.latency import measure, percentile
from checks.lib.redis_acl import allowed_commands, describe, parse_acl_list
from datastack.check.reports import markdown
from datastack.check.results import CheckResult, SuiteResult, classify

TABLE = {"get": {"read", "string", "fast"}, "set": {"write", "string"}, "del": {"write", "keyspace"},
         "flushall": {"write", "dangerous"}, "config|get": {"admin", "dangerous"}, "ping": {"fast", "connection"}}


def test_percentile_is_nearest_rank():
    samples = [float(i) for i in range(1, 101)]
    assert (percentile(samples, 50), percentile(samples, 95), percentile(samples, 99)) == (50.0, 95.0, 99.0)
    assert percentile([7.0], 99) == 7.0


def test_measure_orders_percentiles_and_judges_the_chosen_one():
    latency = measure("noop", lambda: None, warmup=2, samples=30, budget_ms=1000, percentile_name="p95")
    assert latency.p50 <= latency.p95 <= latency.p99 <= latency.max and latency.within_budget
    slow = measure("noop", lambda: None, warmup=0, samples=5, budget_ms=1e-9, percentile_name="max")
    assert not slow.within_budget


@pytest.mark.parametrize(("rules", "allowed"), [
    (["+@all", "-@dangerous"], {"get", "set", "del", "ping"}),
    (["-@all", "+@read", "+ping"], {"get", "ping"}),
    (["+@write", "-flushall", "+config|get"], {"set", "del", "config|get"}),
    (["+config"], {"config|get"}),
    (["allcommands", "nocommands", "+get"], {"get"}),
])
def test_rules_are_compared_by_effect(rules, allowed):
    assert allowed_commands(rules, TABLE) == allowed


def test_describe_names_whole_categories_first():
    assert describe({"set", "del", "flushall", "ping"}, TABLE) == "@connection, @write"
    assert describe({"set", "get"}, TABLE) == "@string"
    assert describe({"set"}, TABLE) == "set"


def test_parse_acl_list_keeps_rule_order():
    users = parse_acl_list(["user mon on sanitize-payload #abc ~* resetchannels -@all +@read -keys +ping",
                            "user default off nopass resetkeys resetchannels -@all"])
    assert users["mon"]["rules"] == ["-@all", "+@read", "-keys", "+ping"]
    assert users["mon"]["keys"] == {"~*"} and users["mon"]["passwords"] == {"abc"} and "on" in users["mon"]["flags"]
    assert users["default"]["flags"] == ["off", "nopass"]


@pytest.mark.parametrize(("nodeid", "expected"), [
    ("checks/test_mongodb_drift.py::test_index_matches_spec[x]", ("mongodb", "drift")),
    ("checks/test_mongo_express.py::test_x", ("mongo-express", "health")),
    ("test_app.py::test_app_runs_as_planned[reference]", ("app", "health")),
    ("checks/test_redis_latency.py::test_redis_set_latency", ("redis", "latency")),
])
def test_classify_by_module(nodeid, expected):
    assert classify(nodeid) == expected


def test_markdown_runbook_lists_failure_why_and_fix():
    failed = CheckResult(id="checks/test_mongodb_drift.py::test_index_matches_spec[a]", service="mongodb", category="drift",
                         outcome="failed", duration_s=0.01,
                         message="bot_core.trades: index a_1 missing — fix: datastack migrate --env local")
    skipped = CheckResult(id="checks/test_mongodb_health.py::test_mongodb_replica_set", service="mongodb",
                          category="health", outcome="skipped", duration_s=0, message="stand-in, single node")
    result = SuiteResult(environment="local", read_only=False, duration_s=1.0, checks=[failed, skipped])
    text = markdown(result)
    assert "**FAIL**" in text and "| bot_core.trades: index a_1 missing | `datastack migrate --env local` |" in text
    assert "- `datastack migrate --env local`" in text and "stand-in, single node" in text
    assert result.exit_code == 1
    assert SuiteResult(environment="local", read_only=True, duration_s=0, checks=[skipped]).exit_code == 0
    assert SuiteResult(environment="local", read_only=True, duration_s=0).exit_code == 1  # nothing ran is not a pass


def test_catalog_names_reach_sql_only_as_quoted_identifiers():
    """A column named with a quote used to close the identifier and run its own statement (as superuser)."""
    from checks.lib.postgres import key_lookup_statements

    hostile = 'x"; DROP TABLE victims; --'
    for statement in key_lookup_statements("public", 'orders"; --', hostile):
        text = statement.as_string(None)
        assert '"x""; DROP TABLE victims; --"' in text and '"public"."orders""; --"' in text
        import re

        assert ";" not in re.sub(r'"(?:[^"]|"")*"', "ID", text)  # every ';' is inside a quoted identifier


def test_classify_credits_a_declared_instance_only():
    """A check run per instance is reported under the instance; a user merely named like one is not an instance."""
    nodeid = "checks/test_redis_users.py::test_user_acl_matches_spec[redis-queue:worker]"
    assert classify(nodeid, frozenset({"redis-queue"})) == ("redis-queue", "users")
    assert classify("checks/test_redis_users.py::test_user_acl_matches_spec[redis-bot]",
                    frozenset({"redis-queue"})) == ("redis", "users")
