"""Server requests of a migrate grow with what changes, not with what is unchanged.

Counted with pymongo's command monitoring on a generated schema (benchmarks/generated_schema.py):
a no-change run reads each collection's indexes once and everything else in a constant number of
requests; a first run creates each collection's indexes in one createIndexes and each seeded
collection's documents in one bulk write.
"""

from __future__ import annotations

from collections import Counter

import pytest
from pymongo import monitoring

from benchmarks.generated_schema import write_mongodb_schema
from datastack.migrate.report import MigrateOptions
from roles.mongodb.reconcile import migrate_mongodb

COLLECTIONS = 40
SEEDED = 3


class CommandCounter(monitoring.CommandListener):
    """Global once registered (pymongo has no unregister): counts only between start() and stop()."""

    def __init__(self):
        self.commands: Counter[str] = Counter()
        self.targets: Counter[tuple[str, str]] = Counter()  # (command, collection it names)
        self.active = False

    def started(self, event):
        if self.active:
            self.commands[event.command_name] += 1
            self.targets[event.command_name, str(event.command.get(event.command_name))] += 1

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass

    def count(self, run) -> Counter[str]:
        self.commands, self.targets = Counter(), Counter()
        self.active = True
        try:
            run()
        finally:
            self.active = False
        return self.commands


@pytest.fixture(scope="module")
def counter():
    listener = CommandCounter()
    monitoring.register(listener)
    return listener


def test_requests_are_batched_per_collection(make_env, counter, tmp_path):
    schema = write_mongodb_schema(tmp_path / "generated.yaml", COLLECTIONS, 5, seeded=SEEDED, seeds_each=4)
    spec, endpoints, secrets = make_env(schema.read_text())

    def migrate():
        [report] = migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
        return report

    first = counter.count(migrate)
    assert first["createIndexes"] == COLLECTIONS  # five indexes each, one request per collection
    seed_writes = {c: n for (command, c), n in counter.targets.items() if command == "update" and c.startswith("c0")}
    assert seed_writes == {f"c{c:04d}": 1 for c in range(SEEDED)}  # four documents each, one bulk write
    assert first["usersInfo"] <= 2 and first["listCollections"] <= 3  # before and under the lease: constant

    no_change = counter.count(migrate)
    assert no_change["listIndexes"] == COLLECTIONS
    assert no_change["listCollections"] == 1 and no_change["usersInfo"] == 1
    assert sum(no_change.values()) <= 2 * COLLECTIONS + 12, no_change
    writes = {"insert", "update", "delete", "create", "createIndexes", "collMod", "createUser", "updateUser"}
    assert not writes & set(no_change), no_change
