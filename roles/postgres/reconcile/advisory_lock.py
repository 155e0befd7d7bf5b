"""One migrator per database: a session-level PostgreSQL advisory lock with a bounded wait.

Alembic has no lock of its own. The lock lives on the migrating connection, so a killed migrator
releases it when its connection drops; a second migrator waits (up to the timeout) and then finds
the database already at head.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from datastack.errors import RuntimeFailure

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

LOCK_NOT_AVAILABLE = "55P03"


def lock_key(namespace: str, database: str) -> int:
    """A stable signed 64-bit key (advisory locks are already per database; the name keeps logs readable)."""
    digest = hashlib.sha256(f"{namespace}:{database}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def advisory_lock(conn: "Connection", key: int, *, timeout_s: float, label: str,
                  say: Callable[[str], None] = lambda line: None) -> Iterator[None]:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    if not conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
        say(f"postgres {label}: another migrator holds the migration lock; waiting up to {timeout_s:g}s")
        # lock_timeout bounds the wait; it is rolled back with the transaction if the wait fails.
        conn.execute(text("SELECT set_config('lock_timeout', :ms, false)"), {"ms": f"{max(1, int(timeout_s * 1000))}ms"})
        try:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            conn.rollback()
            raise RuntimeFailure(
                f"postgres {label}: another migrator held the migration lock for more than {timeout_s:g}s",
                fix="let it finish and run again, or raise --lock-timeout "
                    "(holder: SELECT pid FROM pg_locks WHERE locktype = 'advisory')") from None
        conn.execute(text("SELECT set_config('lock_timeout', '0', false)"))
    conn.commit()  # session-level lock outlives the transaction; Alembic must start from a clean one
    try:
        yield
    finally:
        try:
            conn.rollback()
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            conn.commit()
        except Exception:  # noqa: BLE001 - a broken connection has released the lock already
            pass
