"""The whole PostgreSQL migration under advisory locks: one for the cluster, one per database.

`tuple concurrently updated` and duplicate `pg_default_acl` keys came from two migrators granting
at once; only Alembic was locked. Now a migrator takes, on the administrator's own connection:
- the cluster lock (in the `postgres` database) while it reads and creates roles and databases;
- then, per database, that database's lock for everything else: search paths, schema and database
  grants, extensions, default privileges, Alembic and the grants on existing tables.
Each plan is read under its lock, so a migrator that waited finds the work done. Session-level locks
die with the connection: a killed migrator never leaves one behind. Alembic keeps its own inner lock
(another key, always taken after this one, so the order never inverts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from datastack.errors import RuntimeFailure
from .advisory_lock import lock_key

if TYPE_CHECKING:
    import psycopg

NAMESPACE = "datastack.migrate"
CLUSTER = "(roles and databases)"


def cluster_key() -> int:
    return lock_key(NAMESPACE, CLUSTER)


def database_key(database: str) -> int:
    return lock_key(NAMESPACE, database)


@contextmanager
def migration_lock(conn: "psycopg.Connection", key: int, *, timeout_s: float, label: str, enabled: bool = True,
                   say: Callable[[str], None] = lambda line: None) -> Iterator[None]:
    """Hold session advisory lock `key` on autocommit `conn`; wait at most `timeout_s` for it."""
    import psycopg

    if not enabled:  # a dry run only reads
        yield
        return
    if not conn.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()[0]:
        say(f"postgres {label}: another migrator holds the migration lock; waiting up to {timeout_s:g}s")
        conn.execute("SELECT set_config('lock_timeout', %s, false)", [f"{max(1, int(timeout_s * 1000))}ms"])
        try:
            conn.execute("SELECT pg_advisory_lock(%s)", [key])
        except psycopg.errors.LockNotAvailable:
            raise RuntimeFailure(
                f"postgres {label}: another migrator held the migration lock for more than {timeout_s:g}s",
                fix="let it finish and run again, or raise --lock-timeout "
                    "(holder: SELECT pid FROM pg_locks WHERE locktype = 'advisory')") from None
        finally:
            conn.execute("SELECT set_config('lock_timeout', '0', false)")
    try:
        yield
    finally:
        try:
            conn.execute("SELECT pg_advisory_unlock(%s)", [key])
        except psycopg.Error:  # a broken connection has released the lock already
            pass
