"""A replica set's health from one `replSetGetStatus` reply (manual: replSetGetStatus output, v7.0): exactly one
PRIMARY, every member healthy, the declared number of members, secondaries within the lag budget.

A pure function of the reply, so tests/unit/contracts/ can feed it recorded replies; checks/test_mongodb_health.py
asks the live server for one.
"""

from __future__ import annotations


def replica_set_problems(status: dict, declared_members: int, lag_budget_s: float, up_fix: str) -> list[str]:
    members = status["members"]
    primaries = [m["name"] for m in members if m["stateStr"] == "PRIMARY"]
    if len(primaries) != 1:
        return [f"replica set {status['set']} has {len(primaries)} PRIMARY members ({primaries}), expected 1 — fix: '{up_fix}'"]
    problems = []
    unhealthy = [f"{m['name']} ({m['stateStr']})" for m in members if m.get("health") != 1]
    if unhealthy:
        problems.append(f"replica set members unhealthy: {', '.join(unhealthy)} — fix: read 'datastack logs mongodb'")
    if len(members) != declared_members:
        problems.append(f"replica set has {len(members)} members, declared {declared_members} — fix: '{up_fix}'")
    primary_optime = next(m["optimeDate"] for m in members if m["stateStr"] == "PRIMARY")
    lagging = [f"{m['name']} {(primary_optime - m['optimeDate']).total_seconds():.1f} s"
               for m in members if m["stateStr"] == "SECONDARY"
               and (primary_optime - m["optimeDate"]).total_seconds() > lag_budget_s]
    if lagging:
        problems.append(f"replication lag over {lag_budget_s:g} s: {', '.join(lagging)} — fix: check the secondaries' load and network")
    return problems
