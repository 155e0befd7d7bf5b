"""One migrator per database: an atomic lease document with an owner, an expiry and renewal.

Taking the lease is a single `findOneAndUpdate` with upsert on a fixed `_id`: when another owner
holds an unexpired lease the filter misses, the upsert collides with the unique `_id` and fails,
so two migrators can never both win (unlike check-then-insert). A thread renews the lease while
the run lasts; a lease whose owner died is taken over after expiry, or at once when the owner
was a process on this host that no longer exists.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

from datastack.errors import RuntimeFailure

LEASES = "_datastack_lock"
LEASE_ID = "migrate"
DEFAULT_LEASE_S = 30.0
POLL_S = 0.2


class Lease:
    def __init__(self, db, *, timeout_s: float, lease_s: float = DEFAULT_LEASE_S, say=lambda line: None):
        self.collection = db[LEASES]
        self.database = db.name
        self.timeout_s = timeout_s
        self.lease_s = lease_s
        self.say = say
        self.run_id = uuid.uuid4().hex
        self.owner = {"host": socket.gethostname(), "pid": os.getpid(), "run_id": self.run_id}
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._renewer: threading.Thread | None = None

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
            if self._owner_is_dead(holder) and self._take_over(holder):
                self.say(f"{self.database}: took over the lock of process {holder.get('pid')}, which no longer runs")
                break
            now = time.monotonic()
            if now >= deadline:
                raise RuntimeFailure(
                    f"{self.database}: another migrator ({_describe(holder)}) still holds the lock after {self.timeout_s:.0f} s",
                    fix="wait for it to finish and run again; a dead migrator's lock expires by itself",
                )
            if now - last_said >= 2.0:
                self.say(f"{self.database}: waiting for the lock held by {_describe(holder)}")
                last_said = now
            time.sleep(POLL_S)
        self._renewer = threading.Thread(target=self._renew_loop, name=f"lease-{self.database}", daemon=True)
        self._renewer.start()

    def check(self) -> None:
        """Called between steps: stop before writing anything if the lease was lost."""
        if self._lost.is_set():
            raise RuntimeFailure(f"{self.database}: the migrate lock was lost (another migrator took it over)",
                                 fix="run migrate again once the other migrator has finished")

    def release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join(timeout=2)
        try:
            self.collection.delete_one({"_id": LEASE_ID, "run_id": self.run_id})
        except Exception:  # noqa: BLE001 - the lease expires by itself; never mask the run's own error
            pass

    def _try_take(self) -> dict | None:
        """None when taken; else the holder's document."""
        from pymongo import ReturnDocument
        from pymongo.errors import DuplicateKeyError

        now = datetime.now(UTC)
        try:
            self.collection.find_one_and_update(
                {"_id": LEASE_ID, "$or": [{"expires_at": {"$lt": now}}, {"run_id": self.run_id}]},
                {"$set": {**self.owner, "taken_at": now, "expires_at": now + timedelta(seconds=self.lease_s)}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
            return None
        except DuplicateKeyError:
            return self.collection.find_one({"_id": LEASE_ID}) or {}

    def _take_over(self, holder: dict) -> bool:
        now = datetime.now(UTC)
        result = self.collection.update_one(
            {"_id": LEASE_ID, "run_id": holder.get("run_id")},
            {"$set": {**self.owner, "taken_at": now, "expires_at": now + timedelta(seconds=self.lease_s)}},
        )
        return result.modified_count == 1

    def _owner_is_dead(self, holder: dict) -> bool:
        if holder.get("host") != self.owner["host"] or not isinstance(holder.get("pid"), int):
            return False
        try:
            os.kill(holder["pid"], 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.lease_s / 3):
            try:
                expires = datetime.now(UTC) + timedelta(seconds=self.lease_s)
                result = self.collection.update_one({"_id": LEASE_ID, "run_id": self.run_id}, {"$set": {"expires_at": expires}})
                if result.matched_count == 0:
                    self._lost.set()
                    return
            except Exception:  # noqa: BLE001 - a missed renewal is retried; expiry is lease_s away
                continue


def _describe(holder: dict) -> str:
    expires = holder.get("expires_at")
    left = ""
    if isinstance(expires, datetime):
        seconds = (expires.replace(tzinfo=expires.tzinfo or UTC) - datetime.now(UTC)).total_seconds()
        left = f", expires in {max(seconds, 0):.0f} s"
    return f"{holder.get('host', '?')}:{holder.get('pid', '?')}{left}"
