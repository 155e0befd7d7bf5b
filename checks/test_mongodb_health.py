"""MongoDB health: processes, ports and files as planned; ping; a healthy replica set with one PRIMARY."""

from __future__ import annotations

import pytest

from checks.lib import health


@pytest.fixture(scope="module")
def mongo(target):
    if target.spec.services.mongodb is None or target.endpoints.mongodb is None:
        pytest.skip("this environment declares no MongoDB")
    return target.endpoints.mongodb


test_mongodb_runs_as_its_own_user, test_mongodb_listens_only_on_declared_ports, test_mongodb_config_files_safe = \
    health.process_checks("mongodb", "mongodb")


def test_mongodb_ping(target, mongo, connections):
    login = target.mongo() if not target.read_only else _any_readonly(target)
    reply = connections.mongo(login).admin.command("ping")
    assert reply.get("ok") == 1, f"mongodb ping answered {reply} — fix: read 'datastack logs mongodb'"


def test_mongodb_replica_set(target, mongo, connections):
    if mongo.stand_in or not mongo.replica_set:
        pytest.skip("stand-in, single node: no replica set to check (runs for real when endpoints name a replica set)")
    target.require_admin("replSetGetStatus")
    status = connections.mongo(target.mongo()).admin.command("replSetGetStatus")
    members = status["members"]
    primaries = [m["name"] for m in members if m["stateStr"] == "PRIMARY"]
    assert len(primaries) == 1, f"replica set {status['set']} has {len(primaries)} PRIMARY members ({primaries}), expected 1 — fix: '{target.up_fix}'"
    unhealthy = [f"{m['name']} ({m['stateStr']})" for m in members if m.get("health") != 1]
    assert not unhealthy, f"replica set members unhealthy: {', '.join(unhealthy)} — fix: read 'datastack logs mongodb'"
    declared = target.spec.services.mongodb.members
    assert len(members) == declared, f"replica set has {len(members)} members, declared {declared} — fix: '{target.up_fix}'"
    primary_optime = next(m["optimeDate"] for m in members if m["stateStr"] == "PRIMARY")
    budget = target.spec.checks.replication_lag_s
    lagging = [f"{m['name']} {(primary_optime - m['optimeDate']).total_seconds():.1f} s"
               for m in members if m["stateStr"] == "SECONDARY"
               and (primary_optime - m["optimeDate"]).total_seconds() > budget]
    assert not lagging, f"replication lag over {budget:g} s: {', '.join(lagging)} — fix: check the secondaries' load and network"


def _any_readonly(target):
    mongo = target.spec.services.mongodb
    user = next((u for d in mongo.databases.values() for u in d.users if u.access == "readonly"), None)
    if user is None:
        pytest.skip("read-only mode: no readonly MongoDB user is declared")
    return target.mongo(user.name)
