"""checks/lib/replica_set.py against recorded replSetGetStatus replies (MongoDB manual v7.0, replSetGetStatus:
members[].name/stateStr/health/optimeDate, `set`; member states in "Replica Set Member States": PRIMARY, SECONDARY,
(not reachable/healthy) with health 0)."""

from __future__ import annotations

import datetime as dt

from checks.lib.replica_set import replica_set_problems

from .mongod_replies import OPTIME, FakeReplicaSet

HOSTS = ["mongodb-0:27017", "mongodb-1:27017", "mongodb-2:27017"]


def status(**kwargs) -> dict:
    return FakeReplicaSet(HOSTS, initiated=True, **kwargs).status()


def test_a_healthy_set_has_no_problems():
    assert replica_set_problems(status(), 3, 10, "datastack up") == []


def test_a_member_down_is_reported_by_name():
    (problem,) = replica_set_problems(status(up=2), 3, 10, "datastack up")
    assert "mongodb-2:27017 ((not reachable/healthy))" in problem


def test_no_primary_after_a_failover_that_has_not_settled():
    reply = status()
    reply["members"][0].update(stateStr="SECONDARY", state=2)
    (problem,) = replica_set_problems(reply, 3, 10, "datastack up")
    assert "has 0 PRIMARY members" in problem


def test_any_member_may_be_primary():
    assert replica_set_problems(status(elect=2), 3, 10, "datastack up") == []


def test_members_missing_from_the_config_and_lag():
    reply = status()
    reply["members"] = reply["members"][:2]
    reply["members"][1]["optimeDate"] = OPTIME - dt.timedelta(seconds=30)
    problems = replica_set_problems(reply, 3, 10, "datastack up")
    assert any("has 2 members, declared 3" in p for p in problems)
    assert any("mongodb-1:27017 30.0 s" in p for p in problems)
