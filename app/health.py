"""Dependency probes: each store reached with the credentials datastack handed the app."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable

TIMEOUT_S = 2


def probe_mongodb(uri: str) -> None:
    import pymongo

    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=TIMEOUT_S * 1000, connectTimeoutMS=TIMEOUT_S * 1000) as client:
        db = client.get_default_database(os.environ.get("MONGODB_DATABASE"))
        # A read on the app's own database proves the login and its privileges, not just the socket.
        db.list_collection_names()


def probe_postgres(uri: str) -> None:
    import psycopg

    with psycopg.connect(uri, connect_timeout=TIMEOUT_S) as conn:
        conn.execute("SELECT 1").fetchone()


def probe_redis(uri: str) -> None:
    import redis

    client = redis.Redis.from_url(uri, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S)
    try:
        client.ping()
    finally:
        client.close()


PROBES: dict[str, tuple[str, Callable[[str], None]]] = {
    "mongodb": ("MONGODB_URI", probe_mongodb),
    "postgres": ("POSTGRES_URI", probe_postgres),
    "redis": ("REDIS_URI", probe_redis),
}
# An instance of a store arrives as <STORE>_<SUFFIX>_URI (redis-queue: REDIS_QUEUE_URI) and is probed like its store.
INSTANCE_URI = re.compile(r"^(MONGODB|POSTGRES|REDIS)_([A-Z0-9]+(?:_[A-Z0-9]+)*)_URI(?:_FILE)?$")


def dependencies(environ: dict[str, str]) -> dict[str, tuple[str, Callable[[str], None]]]:
    """Every store the app was given a URI for, by name: the three stores, then each instance."""
    found = dict(PROBES)
    for variable in sorted(environ):
        match = INSTANCE_URI.match(variable)
        if match:
            store, suffix = match.group(1).lower(), match.group(2)
            found[f"{store}-{suffix.lower().replace('_', '-')}"] = (f"{match.group(1)}_{suffix}_URI", PROBES[store][1])
    return found


def setting(environ: dict[str, str], variable: str) -> str | None:
    """VARIABLE, or the first line of the file VARIABLE_FILE names (how datastack's containers deliver secrets)."""
    path = environ.get(f"{variable}_FILE")
    if path:
        with open(path, encoding="utf-8") as handle:
            return handle.readline().strip() or None
    return environ.get(variable)


def check_dependencies(environ: dict[str, str] | None = None) -> dict[str, dict]:
    environ = dict(os.environ) if environ is None else environ
    report: dict[str, dict] = {}
    for name, (variable, probe) in dependencies(environ).items():
        uri = setting(environ, variable)
        if not uri:
            continue
        started = time.perf_counter()
        try:
            probe(uri)
            report[name] = {"up": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
        except Exception as exc:  # the health page reports every failure; it never crashes
            # Anyone may read /health: it names the dependency and the kind of failure, never the driver's
            # text (which can hold host names, user names and server versions). The app's log has the detail.
            report[name] = {"up": False, "error": f"{name} is unreachable or refused the login ({_kind(exc)})"}
            print(f"health: {name} probe failed: {type(exc).__name__}: {str(exc)[:300]}", file=sys.stderr, flush=True)
    return report


def _kind(exc: Exception) -> str:
    name = type(exc).__name__.lower()
    if "timeout" in name or "timedout" in name:
        return "timeout"
    if "auth" in name or "permission" in name or "privilege" in name:
        return "authentication or permission"
    if "connection" in name or "operational" in name or "serverselection" in name:
        return "connection"
    return "error"
