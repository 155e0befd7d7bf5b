"""Progress lines for long steps: a callable that takes one line, and a ticker for silent subprocesses."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Sequence

Progress = Callable[[str], None]


def quiet(_line: str) -> None:
    """A progress sink for callers that want none."""


def run_with_ticker(
    command: Sequence[str], *, label: str, progress: Progress, every_s: float = 15.0, **popen_kwargs
) -> subprocess.CompletedProcess[str]:
    """Run `command`, saying every `every_s` seconds that it is still running and what it last printed.

    Why: debootstrap and npm are silent for a minute or more; a person should see they are alive.
    Output is captured (returned) so a failure can quote its last lines.
    """
    started = time.monotonic()
    lines: list[str] = []
    proc = subprocess.Popen(
        list(command), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen_kwargs
    )

    def read_output() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read_output, daemon=True)
    reader.start()
    while True:
        try:
            proc.wait(timeout=every_s)
            break
        except subprocess.TimeoutExpired:
            last = lines[-1].strip()[:100] if lines else ""
            progress(f"  {label}: {time.monotonic() - started:.0f} s{f' ({last})' if last else ''}")
    reader.join(timeout=5)
    return subprocess.CompletedProcess(list(command), proc.returncode, "\n".join(lines), "")


def tail(output: str, n: int = 5) -> str:
    """The last `n` non-empty lines of some output, joined for a one-line error."""
    kept = [line.strip() for line in output.splitlines() if line.strip()][-n:]
    return " | ".join(kept)
