"""Benchmark: migrate Bot Core from empty, then again (nothing to do), against a stand-in it starts itself.

    python benchmarks/migrate_mongodb.py [--runs N]

Targets (issue 3): from empty < 3 s; the no-op run < 0.5 s with zero writes. Prints wall time,
server round trips (commands seen by a pymongo CommandListener) and write commands per run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from pymongo import monitoring

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration" / "migrate_mongodb"))

from mongodb_standin import BOT_CORE_SCHEMA, MongoStandIn, environment  # noqa: E402

from roles.mongodb.reconcile import migrate_mongodb  # noqa: E402
from datastack.migrate.report import MigrateOptions  # noqa: E402

READS = {"find", "listCollections", "listIndexes", "usersInfo", "rolesInfo", "ping", "getMore", "hello", "isMaster",
         "endSessions", "saslStart", "saslContinue", "buildInfo"}


class CommandCounter(monitoring.CommandListener):
    def __init__(self):
        self.commands: Counter[str] = Counter()

    def started(self, event):
        self.commands[event.command_name] += 1

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass

    def reset(self) -> None:
        self.commands.clear()

    @property
    def writes(self) -> int:
        return sum(n for name, n in self.commands.items() if name not in READS)


def timed_run(env, counter: CommandCounter) -> tuple[float, int, int, int]:
    counter.reset()
    started = time.perf_counter()
    [report] = migrate_mongodb(*env, MigrateOptions())
    elapsed = time.perf_counter() - started
    return elapsed, sum(counter.commands.values()), counter.writes, len(report.applied)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="no-op runs to time (the best is reported)")
    args = parser.parse_args()
    counter = CommandCounter()
    monitoring.register(counter)
    with tempfile.TemporaryDirectory(prefix="datastack-bench-") as tmp:
        server = MongoStandIn(Path(tmp)).start()
        try:
            env = environment(server.port, "bot_core", BOT_CORE_SCHEMA,
                              users=[{"name": "bot_core_admin", "access": "admin", "roles": ["dbOwner", "readWrite"]},
                                     {"name": "bot_core_app", "access": "app", "roles": ["readWrite"]},
                                     {"name": "bot_core_readonly", "access": "readonly", "roles": ["read"]}])
            first = timed_run(env, counter)
            noops = [timed_run(env, counter) for _ in range(max(args.runs, 1))]
        finally:
            server.stop()
    best = min(noops)
    print(f"from empty: {first[0]:.3f} s, {first[1]} round trips, {first[2]} writes, {first[3]} changes applied "
          f"(target < 3 s) {'OK' if first[0] < 3 else 'SLOW'}")
    print(f"no-op:      {best[0]:.3f} s, {best[1]} round trips, {best[2]} writes, {best[3]} changes applied "
          f"(target < 0.5 s, 0 writes) {'OK' if best[0] < 0.5 and best[2] == 0 else 'SLOW'}")
    print(f"no-op runs: {', '.join(f'{n[0]:.3f} s' for n in noops)}")
    return 0 if first[0] < 3 and best[0] < 0.5 and best[2] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
