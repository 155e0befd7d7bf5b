"""A background renewal shared by the stores' migration leases and locks: renew every third of the lease.

`renew()` returns False once another migrator holds the lock; the renewer then marks it lost and stops.
A renewal that fails on the network is retried: expiry is a whole lease away.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Renewer:
    def __init__(self, renew: Callable[[], bool], lease_s: float, name: str):
        self._renew = renew
        self._interval_s = lease_s / 3
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval_s):
            try:
                if not self._renew():
                    self.lost.set()
                    return
            except Exception:  # noqa: BLE001 - retried at the next interval
                continue
