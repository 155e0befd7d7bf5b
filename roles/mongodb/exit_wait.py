"""No half-second wait at interpreter exit once every MongoClient is closed.

pymongo registers an atexit hook (`pymongo.synchronous.monitor._shutdown_resources`) that joins each
client's monitor threads; a closed client's threads only notice in their next 0.5 s sleep step, so a
short command spent up to 0.5 s after its work was done (measured: 0.45 s of a 1.4 s migrate). The
threads are daemon threads of clients we closed: when every executor is stopped at exit, nothing is
left to wind down and the join is skipped. A client left open keeps pymongo's normal shutdown.
"""

from __future__ import annotations

import atexit

_registered = False


def skip_exit_join_when_all_closed() -> None:
    """Call after importing pymongo (atexit runs last-registered first, so this runs before pymongo's hook)."""
    global _registered
    if not _registered:
        atexit.register(_unregister_join_if_all_closed)
        _registered = True


def _unregister_join_if_all_closed() -> None:
    try:
        from pymongo import periodic_executor
        from pymongo.synchronous import monitor

        executors = [ref() for ref in list(periodic_executor._EXECUTORS or ())]
        if all(executor is None or executor._stopped for executor in executors):
            atexit.unregister(monitor._shutdown_resources)
    except (ImportError, AttributeError):  # another pymongo layout: keep its own shutdown
        pass
