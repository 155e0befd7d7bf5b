"""Readiness: one polling loop for every kind of probe, with diagnostics when time runs out."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from .errors import RuntimeFailure
from .plan.model import Probe

POLL_INTERVAL_S = 0.1


class NotReady(Exception):
    """The service answered, or not, in a way that means 'try again'."""


def tcp_open(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def check_once(probe: Probe, secret: str | None = None, user: str | None = None) -> None:
    """Raise NotReady unless the service speaks its protocol on the port."""
    if not tcp_open(probe.host, probe.port):
        raise NotReady(f"nothing listens on {probe.host}:{probe.port}")
    if probe.kind == "http":
        try:
            urllib.request.urlopen(f"http://{probe.host}:{probe.port}{probe.path}", timeout=2)
        except urllib.error.HTTPError:
            return  # any HTTP status means the server is up; /health content is judged by checks
        except (urllib.error.URLError, OSError) as exc:
            raise NotReady(str(exc)) from None
    elif probe.kind != "tcp":
        from .services import service_named

        ready = service_named(probe.kind).ready  # the service's own protocol check (roles/<service>/probe.py)
        if ready is not None:
            ready(probe, user, secret)


def wait_until_ready(probe: Probe, describe: str, *, secret: str | None = None, user: str | None = None,
                     log_tail: Callable[[], str] | None = None, alive: Callable[[], bool] | None = None) -> float:
    started = time.monotonic()
    deadline = started + probe.timeout_s
    last = "not tried"
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise RuntimeFailure(f"{describe} exited during start-up; last log lines: {_tail(log_tail)}",
                                 fix="read the log with 'datastack logs'")
        try:
            check_once(probe, secret=secret, user=user)
            return time.monotonic() - started
        except NotReady as exc:
            last = str(exc)
        time.sleep(POLL_INTERVAL_S)
    raise RuntimeFailure(
        f"{describe} not ready on {probe.host}:{probe.port} after {probe.timeout_s:.0f}s ({last}); last log lines: {_tail(log_tail)}",
        fix="read the log with 'datastack logs', then retry 'datastack up'",
    )


def _tail(log_tail: Callable[[], str] | None) -> str:
    if log_tail is None:
        return "(no log)"
    text = " | ".join(line.strip() for line in log_tail().splitlines()[-3:] if line.strip())
    return text or "(empty log)"
