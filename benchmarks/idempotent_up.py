"""How long a second `datastack up` takes when nothing changed (target: under 2 s).

Brings a throwaway copy of the local environment up once, then times repeated `up` runs through the
real CLI, against a baseline measured in the same run: `datastack --help` (interpreter + imports only).

    python benchmarks/idempotent_up.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.environments import create_environment  # noqa: E402

TARGET_S = 2.0


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = create_environment("datastack-bench-up-")
    try:
        cli = [sys.executable, "-m", "datastack.cli"]
        baseline = [timed([*cli, "--help"]) for _ in range(args.runs)]
        second_up = [timed([*cli, "up", "--spec", str(env.spec_path)]) for _ in range(args.runs)]
    finally:
        env.destroy()
    base, up = statistics.median(baseline), statistics.median(second_up)
    print(f"baseline `datastack --help`: median {base:.3f}s")
    print(f"idempotent `datastack up`:    median {up:.3f}s, max {max(second_up):.3f}s  (target < {TARGET_S:.1f}s)")
    print(f"work beyond start-up:         {up - base:.3f}s")
    ok = max(second_up) < TARGET_S
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
