"""Scale benchmark: a generated MongoDB schema of 1,000 collections / 5,000 indexes (compound, TTL, unique,
partial, sparse) and 200 PostgreSQL tables through one generated Alembic revision, as whole processes.

    python benchmarks/scale.py [--collections 1000] [--indexes 5] [--tables 200] [--runs 3]

Brings a throwaway environment (MongoDB stand-in + PostgreSQL, free ports, its own state dir, never
.datastack/) up, then times `up` (first and warm), `migrate --store mongodb` and `--store postgres` (first
and no-change), `migrate --dry-run`, and `check` (each store's items, after one untimed check that builds
the PostgreSQL reference), each the median of N whole processes, against `datastack --help` measured in
the same run. Server requests of each command come from one extra instrumented run (benchmarks/counted_cli.py).
Exit 1 when a target of issue 15 is missed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.generated_schema import write_alembic_scripts, write_mongodb_schema  # noqa: E402
from benchmarks.harness import DATASTACK, counted_requests, machine_load, median, timed  # noqa: E402
from tests.support.environments import create_environment, reachable_tmpdir  # noqa: E402

TARGETS_S = {  # issue 15, whole process
    "up (warm)": 0.35,
    "migrate --store mongodb (first)": 4.0,
    "migrate --store mongodb (no change)": 1.0,
    "migrate --store postgres (no change)": 1.0,
    "check -k mongodb": 5.0,
    "check -k postgres": 3.0,
}


def scale_spec(schema: Path, scripts: Path):
    def mutate(data: dict) -> None:
        services = data["services"]
        mongo, pg = services["mongodb"], services["postgres"]
        mongo["databases"] = {"scale": {"schema": str(schema), "users": [
            {"name": "scale_admin", "access": "admin", "roles": ["dbOwner", "readWrite"]},
            {"name": "scale_app", "access": "app", "roles": ["readWrite"]},
            {"name": "scale_readonly", "access": "readonly", "roles": ["read"]}]}}
        pg["databases"] = {"scale_pg": {"alembic": str(scripts), "users": [
            {"name": "scale_pg_owner", "access": "owner"},
            {"name": "scale_pg_app", "access": "app"},
            {"name": "scale_pg_readonly", "access": "readonly"}]}}
        data["services"] = {"mongodb": mongo, "postgres": pg}
    return mutate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collections", type=int, default=1000)
    parser.add_argument("--indexes", type=int, default=5, help="indexes per collection")
    parser.add_argument("--tables", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine_load()}")

    generated = reachable_tmpdir("datastack-bench-scale-generated-")
    schema = write_mongodb_schema(generated / "schema.yaml", args.collections, args.indexes)
    scripts = write_alembic_scripts(generated / "alembic", args.tables)
    env = create_environment("datastack-bench-scale-", up=False, mutate=scale_spec(schema, scripts))
    spec = ["--spec", str(env.spec_path)]
    rows: list[tuple[str, float, dict]] = []

    def once(label: str, *command: str) -> None:
        seconds = timed([*DATASTACK, *command, *spec], check=command[0] != "check")
        rows.append((label, seconds, {}))
        print(f"  {label}: {seconds:.3f}s", flush=True)

    def repeated(label: str, *command: str) -> None:
        seconds = median([timed([*DATASTACK, *command, *spec], check=command[0] != "check") for _ in range(args.runs)])
        requests = counted_requests([*command, *spec])
        rows.append((label, seconds, requests))
        print(f"  {label}: {seconds:.3f}s, requests {requests}", flush=True)

    try:
        baseline = median([timed([*DATASTACK, "--help"]) for _ in range(args.runs)])
        print(f"generated: {args.collections} collections, {args.collections * args.indexes} indexes, "
              f"{args.tables} PostgreSQL tables; baseline `datastack --help` {baseline:.3f}s")
        once("up (first)", "up")
        repeated("up (warm)", "up")
        once("migrate --store mongodb (first)", "migrate", "--store", "mongodb")
        repeated("migrate --store mongodb (no change)", "migrate", "--store", "mongodb")
        once("migrate --store postgres (first)", "migrate", "--store", "postgres")
        repeated("migrate --store postgres (no change)", "migrate", "--store", "postgres")
        repeated("migrate --dry-run", "migrate", "--dry-run")
        timed([*DATASTACK, "check", *spec], check=False)  # builds and caches the PostgreSQL reference
        repeated("check -k mongodb", "check", "-k", "mongodb")
        repeated("check -k postgres", "check", "-k", "postgres")
        repeated("check", "check")
    finally:
        env.destroy()
        shutil.rmtree(generated, ignore_errors=True)
    return report(rows, baseline, args)


def report(rows, baseline: float, args) -> int:
    print(f"\nscale: {args.collections} collections / {args.collections * args.indexes} indexes / {args.tables} tables; "
          f"median of {args.runs} whole processes (first runs: once)")
    print(f"{'command':<40} {'seconds':>8} {'x --help':>9} {'target':>8}  requests (mongodb, postgres)")
    missed = []
    for label, seconds, requests in rows:
        target = TARGETS_S.get(label)
        verdict = "" if target is None else ("ok" if seconds <= target else "MISSED")
        if verdict == "MISSED":
            missed.append(label)
        counts = f"{requests.get('mongodb', 0)}, {requests.get('postgres', 0)}" if requests else "-"
        print(f"{label:<40} {seconds:>7.3f}s {seconds / baseline:>8.2f}x {f'{target}s' if target else '':>8}  {counts} {verdict}")
    print("targets: " + ("PASS" if not missed else f"MISSED: {', '.join(missed)}"))
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
