"""One Redis migrator at a time: a `SET NX PX` key holding a random token, renewed while the run lasts.

ACL and CONFIG commands cannot run inside a script (Redis flags them `noscript`), so a write cannot
be made conditional on the token server-side. Instead every write is preceded by `fence()`, which
renews the key only if it still holds this run's token (compare-and-PEXPIRE in one script) and stops
the run otherwise. What is left between a fence and its write is harmless: each write sets a user or
a setting to the spec's whole state (`ACL SETUSER … reset …`, one `CONFIG SET`), so a late duplicate
writes the same value the newer migrator wrote. A killed migrator's key expires by itself.
The key sits outside every application key pattern, so only the admin user can touch it.
"""

from __future__ import annotations

import secrets as token_source
import time
from collections.abc import Callable

from datastack.errors import RuntimeFailure
from datastack.migrate.renewal import Renewer

LOCK_KEY = "datastack:migrate:lock"
DEFAULT_LEASE_S = 30.0
POLL_S = 0.1
_RENEW_IF_MINE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
_DELETE_IF_MINE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


class RedisLease:
    def __init__(self, client, *, timeout_s: float, lease_s: float = DEFAULT_LEASE_S,
                 say: Callable[[str], None] = lambda line: None):
        self.client = client
        self.timeout_s = timeout_s
        self.lease_ms = int(lease_s * 1000)
        self.say = say
        self.token = token_source.token_hex(16)
        self._renewer = Renewer(self._renew, lease_s, name="redis-migrate-lease")

    def __enter__(self) -> "RedisLease":
        deadline = time.monotonic() + self.timeout_s
        said = False
        while not self.client.set(LOCK_KEY, self.token, nx=True, px=self.lease_ms):
            if time.monotonic() >= deadline:
                raise RuntimeFailure(f"redis: another migrator held the migration lock ({LOCK_KEY}) for more than "
                                     f"{self.timeout_s:g}s", fix="let it finish and run again; a dead migrator's lock expires by itself")
            if not said:
                self.say(f"redis: another migrator holds the migration lock; waiting up to {self.timeout_s:g}s")
                said = True
            time.sleep(POLL_S)
        self._renewer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._renewer.stop()
        try:
            self.client.eval(_DELETE_IF_MINE, 1, LOCK_KEY, self.token)
        except Exception:  # noqa: BLE001 - the key expires by itself; never mask the run's own error
            pass

    def fence(self) -> None:
        """Before every write: stop at once unless the lock is still this run's (and renew it)."""
        if self._renewer.lost.is_set() or not self._renew():
            self._renewer.lost.set()
            raise RuntimeFailure("redis: this migrator lost its migration lock (paused past its expiry while another "
                                 "migrator took over); it stopped without writing more",
                                 fix="run migrate again: it will find what the other migrator finished")

    def _renew(self) -> bool:
        return bool(self.client.eval(_RENEW_IF_MINE, 1, LOCK_KEY, self.token, self.lease_ms))
