"""Shared by the check-suite integration tests: a migrated throwaway environment and server-side write counters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support.environments import ThrowawayEnvironment, create_environment


def without_mongo_express(data: dict) -> None:
    # mongo-express's host build is someone else's work in progress; these tests are about the stores.
    data["services"].pop("mongo_express", None)


def migrated_environment(prefix: str) -> ThrowawayEnvironment:
    env = create_environment(prefix, mutate=without_mongo_express)
    migrate(env)
    return env


def migrate(env: ThrowawayEnvironment) -> None:
    """Bring the stores to the declared state through the migrators' library entry points."""
    from roles.mongodb.reconcile import migrate_mongodb
    from datastack.migrate.report import MigrateOptions

    spec, endpoints, secrets = env.spec, env.endpoints(), env.secrets()
    migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    try:
        from roles.postgres.reconcile import migrate_postgres
    except ImportError:
        return
    migrate_postgres(spec, endpoints, secrets, MigrateOptions())


def check(env: ThrowawayEnvironment, *args: str, spec: Path | None = None, out: Path | None = None):
    """`datastack check` through the real CLI; returns (exit code, parsed JSON report, stdout)."""
    out = out or env.root / "check.json"
    done = subprocess.run([sys.executable, "-m", "datastack.cli", "check", "--spec", str(spec or env.spec_path),
                           "--json", str(out), *args], capture_output=True, text=True, timeout=120)
    report = json.loads(out.read_text()) if out.exists() else None
    return done.returncode, report, done.stdout + done.stderr


def messages(report: dict, outcome: str = "failed") -> dict[str, str]:
    return {c["id"]: c["message"] for c in report["checks"] if c["outcome"] == outcome}


def spec_variant(env: ThrowawayEnvironment, name: str, change) -> Path:
    """A copy of the environment's spec (same state dir, so same servers and secrets) with `change` applied."""
    data = yaml.safe_load(env.spec_path.read_text())
    change(data)
    path = env.root / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def write_counters(env: ThrowawayEnvironment) -> dict[str, int]:
    """Server-side write operations so far, per store (read as administrator)."""
    import psycopg
    import pymongo
    import redis

    with pymongo.MongoClient(env.uri("mongodb"), serverSelectionTimeoutMS=3000) as client:
        ops = client.admin.command("serverStatus")["opcounters"]
    with psycopg.connect(env.uri("postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        pg = conn.execute("SELECT sum(tup_inserted + tup_updated + tup_deleted) FROM pg_stat_database").fetchone()[0]
    r = redis.Redis.from_url(env.uri("redis"), decode_responses=True)
    try:
        writes = {name for name, info in r.command().items() if "write" in info.get("flags", [])}
        stats = r.info("commandstats")
        rd = sum(v["calls"] for k, v in stats.items() if k.removeprefix("cmdstat_").split("|")[0] in writes)
    finally:
        r.close()
    return {"mongodb": ops["insert"] + ops["update"] + ops["delete"], "postgres": int(pg), "redis": rd}
