"""What the whole-process benchmarks share: timing a command as a process, medians, server request counts,
and the datastack CLI run with its requests counted (pymongo command monitoring, psycopg executes).

Figures on a shared 2-core machine are noisy: every benchmark measures its baseline in the same run and
prints the median of N, and the load average at the start, so a reader can tell a busy machine.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASTACK = [sys.executable, "-m", "datastack.cli"]
COUNTED = [sys.executable, str(Path(__file__).with_name("counted_cli.py"))]


def timed(command: list[str], *, env: dict | None = None, check: bool = True, timeout: float = 600) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if check and done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def median(values: list[float]) -> float:
    return statistics.median(values)


def counted_requests(args: list[str], *, env: dict | None = None) -> dict[str, int]:
    """One extra run of `datastack ARGS` with its server requests counted per store (timed runs stay uninstrumented)."""
    with tempfile.NamedTemporaryFile(prefix="datastack-requests-", suffix=".json") as out:
        done = subprocess.run([*COUNTED, out.name, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
        if done.returncode not in (0, 1):
            raise SystemExit(f"counted datastack {' '.join(args)} exited {done.returncode}:\n{done.stderr[-2000:]}")
        return json.loads(Path(out.name).read_text() or "{}")


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def ratio(value: float, baseline: float | None) -> str:
    return f"{value / baseline:.2f}x" if baseline else "n/a"
