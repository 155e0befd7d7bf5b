"""One migrator per database: a lease on the server's clock with a fencing token.

The lease and the ledger live in the `_datastack` database, which only administrators reach: an
application or readonly user can neither forge a ledger entry nor plant a lease that never expires.
One document per migrated database (`_id` = its name) holds the owner's run id, a fencing token
and an expiry.

- Every time is the server's: expiry is written as `$$NOW + lease` in an update pipeline, and a
  taker compares it with the server's own `hello.localTime` read just before (never the client's
  clock; the stand-in cannot compare dates inside `$expr`, and an older server time only makes the
  taker more patient). Two operators' skewed laptops cannot both hold it.
- Taking is one `findOneAndUpdate` with upsert on the fixed `_id`: when the lease is held and
  unexpired the filter misses, the upsert collides with the unique `_id` and fails.
- Each take increments the token. `fence()` runs before every write of a step: a conditional
  renewal that matches only while this run's token is still the current one. Ledger writes carry
  the token too (versions.py), so even a write issued after a long pause cannot land on a newer
  owner's entry. A run that lost its lease stops with `LeaseLost` at its next write.
- A dead owner is taken over only by expiry: hostname + pid liveness can be faked by containers.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from datetime import UTC, datetime

from datastack.errors import RuntimeFailure
from datastack.migrate.renewal import Renewer

STATE_DATABASE = "_datastack"  # administrators only: the lease and the ledger of every database
LEASES = "leases"
DEFAULT_LEASE_S = 30.0
POLL_S = 0.2


class LeaseLost(RuntimeFailure):
    """Another migrator took the lease over (this one paused or stalled past its expiry)."""


def leases(client, write_concern=None):
    """On a replica set pass majority: a lease acknowledged by one member alone could vanish in a failover."""
    return client.get_database(STATE_DATABASE, write_concern=write_concern)[LEASES]


def server_now(client) -> datetime:
    """The server's clock (hello.localTime), as an aware UTC datetime."""
    now = client.admin.command("hello")["localTime"]
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now


class Lease:
    def __init__(self, client, database: str, *, timeout_s: float, lease_s: float = DEFAULT_LEASE_S,
                 say=lambda line: None, write_concern=None):
        self.client = client
        self.collection = leases(client, write_concern)
        self.database = database
        self.timeout_s = timeout_s
        self.lease_ms = int(lease_s * 1000)
        self.say = say
        self.run_id = uuid.uuid4().hex
        self.token: int | None = None
        self.owner = {"host": socket.gethostname(), "pid": os.getpid(), "run_id": self.run_id}
        self._renewer = Renewer(self._renew, lease_s, name=f"lease-{database}")

    def __enter__(self) -> "Lease":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout_s
        last_said = 0.0
        while True:
            holder = self._try_take()
            if holder is None:
                break
            now = time.monotonic()
            if now >= deadline:
                raise RuntimeFailure(
                    f"{self.database}: another migrator ({_describe(holder)}) still holds the lock after {self.timeout_s:.0f} s",
                    fix="wait for it to finish and run again; a dead migrator's lock expires by itself")
            if now - last_said >= 2.0:
                self.say(f"{self.database}: waiting for the lock held by {_describe(holder)}")
                last_said = now
            time.sleep(POLL_S)
        self._renewer.start()

    def fence(self) -> None:
        """Before every write: renew on the server, and stop at once unless this run still holds the lease."""
        if self._renewer.lost.is_set() or not self._renew():
            self._renewer.lost.set()
            raise self.lost()

    def lost(self) -> LeaseLost:
        return LeaseLost(f"{self.database}: this migrator lost its lease (paused past its expiry while another "
                         "migrator took over); it stopped without writing more",
                         fix="run migrate again: it will find what the other migrator finished")

    def release(self) -> None:
        self._renewer.stop()
        try:
            self.collection.delete_one({"_id": self.database, "run_id": self.run_id, "token": self.token})
        except Exception:  # noqa: BLE001 - the lease expires by itself; never mask the run's own error
            pass

    def _try_take(self) -> dict | None:
        """None when taken (self.token set); else the holder's document."""
        from pymongo import ReturnDocument
        from pymongo.errors import DuplicateKeyError

        now = server_now(self.client)
        try:
            taken = self.collection.find_one_and_update(
                {"_id": self.database, "$or": [{"expires_at": {"$lt": now}}, {"run_id": self.run_id}]},
                [{"$set": {**self.owner, "token": {"$add": [{"$ifNull": ["$token", 0]}, 1]},
                           "taken_at": "$$NOW", "expires_at": {"$add": ["$$NOW", self.lease_ms]}}}],
                upsert=True, return_document=ReturnDocument.AFTER)
        except DuplicateKeyError:
            return self.collection.find_one({"_id": self.database}) or {}
        self.token = taken["token"]
        return None

    def _renew(self) -> bool:
        result = self.collection.update_one({"_id": self.database, "run_id": self.run_id, "token": self.token},
                                            [{"$set": {"expires_at": {"$add": ["$$NOW", self.lease_ms]}}}])
        return result.matched_count == 1


def _describe(holder: dict) -> str:
    expires = holder.get("expires_at")
    left = f", lease until {expires:%H:%M:%S} server time" if isinstance(expires, datetime) else ""
    return f"{holder.get('host', '?')}:{holder.get('pid', '?')}{left}"
