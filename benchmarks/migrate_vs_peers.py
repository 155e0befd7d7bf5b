"""Bot Core applied by three tools as whole processes, side by side on one MongoDB stand-in, in one run.

    python benchmarks/migrate_vs_peers.py [--runs 5]

For each tool, median of N runs of: first apply into an empty database, then the same again with
nothing to do. Tools: `datastack migrate --store mongodb` (reconciler + versioned migrations + drift
check), a plain pymongo script applying the same commands (benchmarks/peers/pymongo_apply.py), and
migrate-mongo 14 (node; installed with npm into .datastack/.cache on first use, else skipped and said why).
Server requests: the stand-in's serverStatus opcounters (every command, query and write it served),
minus this script's own serverStatus. Prints ratios against migrate-mongo and the pymongo script and
the issue's targets; exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "integration" / "migrate_mongodb")]

from benchmarks.harness import DATASTACK, machine_load, median, ratio, timed  # noqa: E402
from benchmarks.peers.apply_document import write_apply_document  # noqa: E402
from datastack.paths import state_root  # noqa: E402
from datastack.programs import system_program  # noqa: E402
from mongodb_standin import ADMIN_PASSWORD, BOT_CORE_SCHEMA, MongoStandIn  # noqa: E402
from tests.support.standin_spec import mongodb_spec_file  # noqa: E402

PEERS = Path(__file__).with_name("peers")
MIGRATE_MONGO = "migrate-mongo@14"
USER_PASSWORD = "bench-user-pw-1"
TARGET_NO_CHANGE_S = 0.5
TARGET_NO_CHANGE_VS_MM = 1.5
TARGET_FIRST_VS_MM = 2.0


def requests_served(client) -> int:
    counters = client.admin.command("serverStatus")["opcounters"]
    return sum(int(v) for v in counters.values())


def install_migrate_mongo() -> tuple[Path | None, str]:
    """migrate-mongo's entry script, or None and why it could not be installed here."""
    npm, node = system_program("npm"), system_program("node")
    if not (npm and node):
        return None, "npm or node is not installed (apt-get install nodejs npm)"
    prefix = state_root() / ".cache" / "migrate-mongo-14"
    entry = prefix / "node_modules" / "migrate-mongo" / "bin" / "migrate-mongo.js"
    if not entry.is_file():
        try:
            subprocess.run([str(npm), "install", "--prefix", str(prefix), MIGRATE_MONGO, "--no-audit", "--no-fund",
                            "--loglevel=error"], check=True, capture_output=True, text=True, timeout=300)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            detail = (getattr(exc, "stderr", "") or str(exc)).strip().splitlines()
            return None, f"npm install {MIGRATE_MONGO} failed ({detail[-1] if detail else 'no output'})"
    return entry, ""


class Tools:
    """How each tool applies the schema to a given database: (name, command builder, environment)."""

    def __init__(self, work: Path, server: MongoStandIn, migrate_mongo: Path | None):
        self.work, self.server, self.migrate_mongo = work, server, migrate_mongo
        self.admin_uri = f"mongodb://admin:{ADMIN_PASSWORD}@{server.host}/?authSource=admin&directConnection=true"

    def datastack(self, database: str):
        directory = self.work / database
        directory.mkdir()
        spec = mongodb_spec_file(directory, self.server.port, database, BOT_CORE_SCHEMA)
        env = {**os.environ, "DS_TEST_MONGO_ADMIN": ADMIN_PASSWORD, "DS_TEST_MONGO_USER": USER_PASSWORD}
        return [*DATASTACK, "migrate", "--store", "mongodb", "--spec", str(spec)], env

    def apply_file(self, database: str) -> Path:
        return write_apply_document(self.work / f"{database}.json", BOT_CORE_SCHEMA, database, USER_PASSWORD)

    def pymongo(self, database: str):
        return [sys.executable, str(PEERS / "pymongo_apply.py"), self.admin_uri, database, str(self.apply_file(database))], None

    def migrate_mongo_cli(self, database: str):
        project = self.work / f"mm-{database}"
        shutil.copytree(PEERS / "migrate_mongo", project)
        shutil.copytree(self.migrate_mongo.parents[2], project / "node_modules")  # node resolves `mongodb` from here
        env = {**os.environ, "BENCH_MONGO_URI": self.admin_uri, "BENCH_MONGO_DB": database,
               "BENCH_APPLY": str(self.apply_file(database))}
        command = [str(system_program("node")), str(project / "node_modules" / "migrate-mongo" / "bin" / "migrate-mongo.js"), "up"]
        return command, env, project


def measure(tool: str, build, runs: int, admin) -> dict:
    firsts, again, requests = [], [], []
    for run in range(runs):
        database = f"bench_{tool}_{run}"
        built = build(database)
        command, env, cwd = (built + (None,))[:3]
        before = requests_served(admin)
        firsts.append(_timed_in(command, env, cwd))
        middle = requests_served(admin)
        again.append(_timed_in(command, env, cwd))
        after = requests_served(admin)
        requests.append((middle - before - 1, after - middle - 1))  # minus our own serverStatus
    return {"first": median(firsts), "no_change": median(again), "requests": requests[-1]}


def _timed_in(command, env, cwd) -> float:
    if cwd is None:
        return timed(command, env=env)
    import time

    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stdout[-1500:]} {done.stderr[-1500:]}")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine_load()}")
    migrate_mongo, why = install_migrate_mongo()
    with tempfile.TemporaryDirectory(prefix="datastack-bench-peers-") as tmp:
        work = Path(tmp)
        server = MongoStandIn(work).start()
        admin = server.admin_client()
        try:
            tools = Tools(work, server, migrate_mongo)
            results = {"datastack": measure("datastack", tools.datastack, args.runs, admin),
                       "pymongo script": measure("pymongo", tools.pymongo, args.runs, admin)}
            if migrate_mongo:
                results["migrate-mongo 14"] = measure("mm", tools.migrate_mongo_cli, args.runs, admin)
        finally:
            admin.close()
            server.stop()
    return report(results, why, args.runs)


def report(results: dict, skipped_why: str, runs: int) -> int:
    print(f"Bot Core, whole processes, median of {runs} (first apply into an empty database, then no change):")
    print(f"{'tool':<18} {'first':>8} {'no-change':>10} {'requests 1st / 2nd':>20}")
    for tool, r in results.items():
        print(f"{tool:<18} {r['first']:>7.3f}s {r['no_change']:>9.3f}s {r['requests'][0]:>11} / {r['requests'][1]}")
    if skipped_why:
        print(f"migrate-mongo 14: skipped: {skipped_why}")
    ds, script, mm = results["datastack"], results["pymongo script"], results.get("migrate-mongo 14")
    print(f"datastack vs pymongo script: first {ratio(ds['first'], script['first'])}, no-change {ratio(ds['no_change'], script['no_change'])}")
    ok = ds["no_change"] <= TARGET_NO_CHANGE_S
    line = [f"no-change {ds['no_change']:.3f}s (target <= {TARGET_NO_CHANGE_S}s)"]
    if mm:
        first_ratio, again_ratio = ds["first"] / mm["first"], ds["no_change"] / mm["no_change"]
        print(f"datastack vs migrate-mongo: first {first_ratio:.2f}x (target <= {TARGET_FIRST_VS_MM}x), "
              f"no-change {again_ratio:.2f}x (target <= {TARGET_NO_CHANGE_VS_MM}x)")
        line += [f"first {first_ratio:.2f}x migrate-mongo (target <= {TARGET_FIRST_VS_MM}x)",
                 f"no-change {again_ratio:.2f}x migrate-mongo (target <= {TARGET_NO_CHANGE_VS_MM}x)"]
        ok = ok and first_ratio <= TARGET_FIRST_VS_MM and again_ratio <= TARGET_NO_CHANGE_VS_MM
    print("targets: " + "; ".join(line) + (" PASS" if ok else " MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
