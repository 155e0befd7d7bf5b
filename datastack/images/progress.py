"""Progress lines for long steps: a callable that takes one line, and a ticker for silent subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

Progress = Callable[[str], None]


def quiet(_line: str) -> None:
    """A progress sink for callers that want none."""


@dataclass
class TickerResult:
    returncode: int
    stdout: str
    timed_out: bool = False  # stopped at its time limit (its return code is then the signal's, not its own)


def run_with_ticker(
    command: Sequence[str], *, label: str, progress: Progress, every_s: float = 15.0, limit_s: float | None = None,
    **popen_kwargs
) -> TickerResult:
    """Run `command`, saying every `every_s` seconds that it is still running and what it last printed.

    Why: debootstrap and npm are silent for a minute or more; a person should see they are alive.
    Output is captured (returned) so a failure can quote its last lines.

    With `limit_s` (a registry that never answers must not hold `up` for ever) the command runs in its own process
    group, and that whole group is stopped (SIGTERM, then SIGKILL) at the limit, on Ctrl-C, on SIGTERM or SIGHUP
    to us, and after it exits (children it left behind). Without it, the command stays in our group, so Ctrl-C
    reaches it as before (debootstrap's own trap unmounts what it mounted).
    """
    started = time.monotonic()
    lines: list[str] = []
    own_group = limit_s is not None
    proc = subprocess.Popen(list(command), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=own_group, **popen_kwargs)

    def read_output() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    timed_out = False
    with _signals_interrupt(own_group):
        try:
            while True:
                left_s = None if limit_s is None else limit_s - (time.monotonic() - started)
                if left_s is not None and left_s <= 0:
                    timed_out = True
                    break
                try:
                    proc.wait(timeout=every_s if left_s is None else min(every_s, left_s))
                    break
                except subprocess.TimeoutExpired:
                    if left_s is None or left_s > every_s:  # a tick, not the limit
                        last = lines[-1].strip()[:100] if lines else ""
                        progress(f"  {label}: {time.monotonic() - started:.0f} s{f' ({last})' if last else ''}")
        finally:  # done, timed out or interrupted: nothing of its group outlives this call
            if own_group:
                _stop_group(proc)
    reader.join(timeout=5)
    if proc.stdout is not None and not reader.is_alive():  # closing under a blocked reader would block on its lock
        proc.stdout.close()
    return TickerResult(proc.returncode, "\n".join(lines), timed_out)


def _stop_group(proc: subprocess.Popen, grace_s: float = 5.0) -> None:
    """SIGTERM the command's process group (its traps run), SIGKILL what is left after `grace_s`, and return only
    once no member is left running (signals land asynchronously; orphans are not ours to wait for)."""
    def stopped() -> bool:
        return proc.poll() is not None and not _running_members(proc.pid)

    for sig, within_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 2.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + within_s
        while not stopped() and time.monotonic() < deadline:
            time.sleep(0.02)
        if stopped():
            break
    proc.wait()


def _running_members(pgid: int) -> list[int]:
    """Pids in process group `pgid` that are not zombies."""
    from ..procfs import stat_fields

    members = []
    for entry in os.scandir("/proc"):
        fields = stat_fields(entry.name) if entry.name.isdigit() else None
        if fields is not None and int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived while a command ran in its own group: unwind like Ctrl-C (started services are
    stopped, the CLI exits 130) so the group is stopped too."""


@contextmanager
def _signals_interrupt(active: bool):
    """While active, SIGTERM and SIGHUP raise Terminated (the default would end us at once and leave the group)."""
    if not active or threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_terminated(signum, _frame):
        raise Terminated(f"signal {signum}")

    previous = {sig: signal.signal(sig, raise_terminated) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def tail(output: str, n: int = 5) -> str:
    """The last `n` non-empty lines of some output, joined for a one-line error."""
    kept = [line.strip() for line in output.splitlines() if line.strip()][-n:]
    return " | ".join(kept)
