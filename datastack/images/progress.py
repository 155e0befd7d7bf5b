"""Progress lines for long steps: a callable that takes one line, and a ticker for silent subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence

Progress = Callable[[str], None]


def quiet(_line: str) -> None:
    """A progress sink for callers that want none."""


def run_with_ticker(
    command: Sequence[str], *, label: str, progress: Progress, every_s: float = 15.0, limit_s: float | None = None,
    **popen_kwargs
) -> subprocess.CompletedProcess[str]:
    """Run `command`, saying every `every_s` seconds that it is still running and what it last printed.

    Why: debootstrap and npm are silent for a minute or more; a person should see they are alive.
    Output is captured (returned) so a failure can quote its last lines. With `limit_s`, the command and everything
    it started (its own session and process group) is killed once that time has passed, and the return code is
    TIMED_OUT: a registry that never answers must not hold `up` forever. An interrupt kills the group too.
    """
    started = time.monotonic()
    lines: list[str] = []
    proc = subprocess.Popen(
        list(command), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        **popen_kwargs
    )

    def read_output() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    timed_out = False
    try:
        while True:
            elapsed = time.monotonic() - started
            if limit_s is not None and elapsed >= limit_s:
                timed_out = True
                _kill_group(proc)
                break
            try:
                proc.wait(timeout=every_s if limit_s is None else max(0.01, min(every_s, limit_s - elapsed)))
                break
            except subprocess.TimeoutExpired:
                if limit_s is not None and time.monotonic() - started >= limit_s:
                    continue  # the limit is handled at the top of the loop
                last = lines[-1].strip()[:100] if lines else ""
                progress(f"  {label}: {time.monotonic() - started:.0f} s{f' ({last})' if last else ''}")
    except BaseException:  # Ctrl-C: its own session does not get the terminal's signal, so stop it here
        _kill_group(proc)
        raise
    reader.join(timeout=5)
    return subprocess.CompletedProcess(list(command), TIMED_OUT if timed_out else proc.returncode, "\n".join(lines), "")


TIMED_OUT = -9  # the return code run_with_ticker gives a command it killed at its time limit


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the command's whole process group (npm's children too), then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def tail(output: str, n: int = 5) -> str:
    """The last `n` non-empty lines of some output, joined for a one-line error."""
    kept = [line.strip() for line in output.splitlines() if line.strip()][-n:]
    return " | ".join(kept)
