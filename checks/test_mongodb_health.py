"""MongoDB health: processes, ports and files as planned; ping; a healthy replica set with one PRIMARY."""

from __future__ import annotations

import pytest

from checks.lib import health
from checks.lib.replica_set import replica_set_problems


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
    # Decided by the spec, not the endpoints: Docker and Pulumi endpoints may reach member 0 directly (no set name),
    # and the set must be checked all the same — replSetGetStatus answers on any member.
    if mongo.external:
        pytest.skip("external MongoDB: its members are its provider's (ping and the other checks still run)")
    if mongo.stand_in or target.spec.services.mongodb.topology != "replica_set":
        pytest.skip("stand-in, single node (or a standalone): no replica set to check")
    target.require_admin("replSetGetStatus")
    status = connections.mongo(target.mongo()).admin.command("replSetGetStatus")
    problems = replica_set_problems(status, target.spec.services.mongodb.members, target.spec.checks.replication_lag_s,
                                    target.up_fix)
    assert not problems, "; ".join(problems)


def _any_readonly(target):
    mongo = target.spec.services.mongodb
    user = next((u for d in mongo.databases.values() for u in d.users if u.access == "readonly"), None)
    if user is None:
        pytest.skip("read-only mode: no readonly MongoDB user is declared")
    return target.mongo(user.name)
