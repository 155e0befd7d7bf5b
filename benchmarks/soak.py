"""Soak benchmark (issue 14): N cycles of migrate (nothing to do), check, a random drift injected and repaired,
against a throwaway `local` environment on free ports (never .datastack/).

    python benchmarks/soak.py [--cycles 100] [--samples 20] [--seed 14]

Each cycle: `migrate` in-process (must apply nothing), `datastack check` through the CLI (must pass), one
drift from DRIFTS injected through the store's admin login and repaired by `migrate` (must apply it).
After the first cycle (warm clients) the benchmark records what could leak and compares at the end:
child processes of this process, established connections to each store's port, this process's open file
descriptors and threads, temporary databases (PostgreSQL `_datastack%`, MongoDB databases, Redis
`datastack:*`/`_datastack*` keys). Prints p50/p99 of each step. Exit 1 on a failed step or a leak.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


class Stores:
    """Admin clients kept open for the whole run (so they count the same at every measurement)."""

    def __init__(self, env):
        import psycopg
        import pymongo
        import redis

        self.env = env
        self.endpoints = env.endpoints()
        self.mongo = pymongo.MongoClient(env.uri("mongodb"), serverSelectionTimeoutMS=5000)
        self.pg = psycopg.connect(env.uri("postgres"), autocommit=True)
        self.redis = redis.Redis.from_url(env.uri("redis"), decode_responses=True)
        self.redis.ping()  # connect now: a lazy first connection would look like a leak
        self.bot_core = env.spec.services.mongodb and next(iter(env.spec.services.mongodb.databases))
        pg_databases = env.spec.services.postgres.databases
        self.pg_db = next(iter(pg_databases))
        self.pg_readonly = next(u.name for u in pg_databases[self.pg_db].users if u.access == "readonly")

    def close(self) -> None:
        self.mongo.close()
        self.pg.close()
        self.redis.close()

    def ports(self) -> dict[str, int]:
        ep = self.endpoints
        return {"mongodb": int(ep.mongodb.hosts[0].rsplit(":", 1)[1]), "postgres": ep.postgres.port, "redis": ep.redis.port}

    def temporary(self) -> dict[str, list[str]]:
        return {
            "postgres": [r[0] for r in self.pg.execute("SELECT datname FROM pg_database WHERE datname LIKE '\\_datastack%'")],
            "mongodb": sorted(self.mongo.list_database_names()),
            "redis": sorted(list(self.redis.scan_iter("datastack:*")) + list(self.redis.scan_iter("_datastack*"))),
        }


def drop_mongo_index(stores: Stores) -> str:
    db = stores.mongo[stores.bot_core]
    collection = next(c for c in sorted(db.list_collection_names()) if len(list(db[c].list_indexes())) > 1
                      and db[c].options().get("timeseries") is None)
    index = next(ix["name"] for ix in db[collection].list_indexes() if ix["name"] != "_id_")
    db[collection].drop_index(index)
    return f"mongodb: dropped index {collection}.{index}"


def revoke_pg_grant(stores: Stores) -> str:
    import psycopg
    from psycopg import sql

    ep = stores.endpoints.postgres
    with psycopg.connect(stores.env.uri("postgres").rsplit("/", 1)[0] + f"/{stores.pg_db}", autocommit=True) as conn:
        table = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version' "
                             "ORDER BY tablename LIMIT 1").fetchone()[0]
        conn.execute(sql.SQL("REVOKE SELECT ON {} FROM {}").format(sql.Identifier(table), sql.Identifier(stores.pg_readonly)))
    return f"postgres {ep.port}: revoked SELECT on {table} from {stores.pg_readonly}"


def redis_config(stores: Stores) -> str:
    stores.redis.config_set("maxmemory-policy", "noeviction")
    return "redis: maxmemory-policy set to noeviction"


def redis_acl(stores: Stores) -> str:
    user = stores.env.spec.services.redis.users[-1].name
    stores.redis.execute_command("ACL", "SETUSER", user, "+flushall")
    return f"redis: granted +flushall to {user}"


DRIFTS = [drop_mongo_index, revoke_pg_grant, redis_config, redis_acl]


def established(port: int) -> int:
    out = subprocess.run(["ss", "-Htn", "state", "established", f"dport = :{port}"], capture_output=True, text=True).stdout
    return len(out.splitlines())


def children() -> list[int]:
    me, found = str(os.getpid()), []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[1] == me:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return found


def footprint(stores: Stores) -> dict:
    return {
        "children": len(children()),
        "connections": {name: established(port) for name, port in stores.ports().items()},
        "fds": len(os.listdir("/proc/self/fd")),
        "threads": threading.active_count(),
        "temporary": stores.temporary(),
    }


def grew(before, after) -> bool:
    """A leak is growth: a count that went up, or an entry that appeared (threads still winding down
    after cycle 1 may make a count go down, which is no leak)."""
    if isinstance(before, dict):
        return any(grew(before[k], after.get(k, before[k])) for k in before) or bool(set(after) - set(before))
    if isinstance(before, list):
        return bool(set(after) - set(before))
    return after > before


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--samples", type=int, default=20, help="latency samples per probe in each check")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()

    from datastack.migrate.report import MigrateOptions
    from datastack.migrate.stores import migrate_all
    from tests.integration.checks.helpers import without_mongo_express
    from tests.support.environments import throwaway_environment

    pick = random.Random(args.seed)
    timings: dict[str, list[float]] = {"migrate (no-op)": [], "check": [], "inject drift": [], "migrate (repair)": []}
    failures: list[str] = []
    started = time.monotonic()
    with throwaway_environment("datastack-soak-", mutate=without_mongo_express) as env:
        env.cli("migrate")
        spec, endpoints, secrets = env.spec, env.endpoints(), env.secrets()
        print(f"environment up and migrated in {time.monotonic() - started:.1f} s ({env.spec_path})")
        stores = Stores(env)
        baseline, reported = None, 0
        try:
            for cycle in range(1, args.cycles + 1):
                t = time.perf_counter()
                applied = sum(len(r.applied) for r in migrate_all(spec, endpoints, secrets, MigrateOptions()))
                timings["migrate (no-op)"].append(time.perf_counter() - t)
                if applied:
                    failures.append(f"cycle {cycle}: the no-op migrate applied {applied} change(s)")

                t = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "datastack.cli", "check", "--spec", str(env.spec_path),
                                       "--samples", str(args.samples)], capture_output=True, text=True, timeout=300)
                timings["check"].append(time.perf_counter() - t)
                if done.returncode != 0:
                    failed = [line for line in done.stdout.splitlines() if line.startswith("✗")] or [done.stdout[-800:]]
                    failures.append(f"cycle {cycle}: check exited {done.returncode}: {'; '.join(failed)[:1500]}")

                t = time.perf_counter()
                what = pick.choice(DRIFTS)(stores)
                timings["inject drift"].append(time.perf_counter() - t)
                t = time.perf_counter()
                repaired = sum(len(r.applied) for r in migrate_all(spec, endpoints, secrets, MigrateOptions()))
                timings["migrate (repair)"].append(time.perf_counter() - t)
                if not repaired:
                    failures.append(f"cycle {cycle}: migrate did not repair '{what}'")

                if cycle == 1:
                    baseline = footprint(stores)
                for failure in failures[reported:]:
                    print(f"FAIL {failure}", flush=True)
                reported = len(failures)
                if cycle % 10 == 0 or cycle == args.cycles:
                    print(f"cycle {cycle}/{args.cycles}: {len(failures)} failure(s); last drift: {what}", flush=True)
            final = footprint(stores)
        finally:
            stores.close()

    print(f"\n{args.cycles} cycles in {time.monotonic() - started:.0f} s (check with {args.samples} samples per probe)")
    print(f"{'step':<18} {'p50 s':>8} {'p99 s':>8} {'max s':>8}")
    for step, values in timings.items():
        print(f"{step:<18} {percentile(values, 50):8.3f} {percentile(values, 99):8.3f} {max(values):8.3f}")
    print(f"after cycle 1: {baseline}\nat the end:    {final}")
    leaks = [key for key in final if grew(baseline[key], final[key])]
    for key in leaks:
        failures.append(f"leak: {key} went from {baseline[key]} to {final[key]}")
    for failure in failures[:20]:
        print(f"FAIL {failure}")
    print("PASS" if not failures else f"FAIL ({len(failures)})")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
