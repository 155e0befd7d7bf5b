"""Benchmark of `datastack check`: the whole suite against a local environment with the Bot Core schema,
and the harness's own overhead on a latency probe.

    python benchmarks/check_suite.py [--samples 200]

Brings up a throwaway `local` environment on free ports (never .datastack/), migrates it, then:
1. times the whole suite in-process and through the CLI (target: under 10 s);
2. compares the suite's MongoDB ping p50 with a bare pymongo ping loop measured in the same run,
   right before and right after the suite (target: within 1.25x). Exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SUITE_BUDGET_S = 10.0
OVERHEAD_LIMIT = 1.25


def bare_ping_p50(uri: str, samples: int, warmup: int) -> float:
    import pymongo

    from checks.lib.latency import percentile

    with pymongo.MongoClient(uri, serverSelectionTimeoutMS=3000) as client:
        admin = client.admin
        for _ in range(warmup):
            admin.command("ping")
        timings = []
        for _ in range(samples):
            started = time.perf_counter_ns()
            admin.command("ping")
            timings.append((time.perf_counter_ns() - started) / 1e6)
    return percentile(sorted(timings), 50)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()

    from datastack.check import run_suite
    from tests.integration.checks.helpers import migrated_environment

    started = time.monotonic()
    env = migrated_environment("datastack-bench-check-")
    print(f"environment up and migrated in {time.monotonic() - started:.1f} s ({env.spec_path})")
    try:
        uri = env.uri("mongodb")
        warmup = env.spec.checks.warmup
        before = bare_ping_p50(uri, args.samples, warmup)
        result = run_suite(env.session, samples=args.samples)
        after = bare_ping_p50(uri, args.samples, warmup)

        cli_started = time.monotonic()
        cli = subprocess.run([sys.executable, "-m", "datastack.cli", "check", "--spec", str(env.spec_path)],
                             capture_output=True, text=True, timeout=120)
        cli_s = time.monotonic() - cli_started

        harness = next(p for p in result.latency() if p["probe"] == "mongodb ping")["p50"]
        bare = (before + after) / 2
        ratio = harness / bare
        counts = {o: result.count(o) for o in ("passed", "failed", "skipped", "error")}
        print(f"suite in-process:  {result.duration_s:.2f} s for {len(result.checks)} checks {counts} "
              f"({args.samples} samples per latency probe)")
        print(f"suite via CLI:     {cli_s:.2f} s (exit {cli.returncode}, default samples)")
        print(f"mongodb ping p50:  harness {harness:.4f} ms, bare pymongo loop {bare:.4f} ms "
              f"(before {before:.4f}, after {after:.4f}); ratio {ratio:.2f}x (limit {OVERHEAD_LIMIT}x)")
        ok = result.ok and cli.returncode == 0 and max(result.duration_s, cli_s) < SUITE_BUDGET_S and ratio <= OVERHEAD_LIMIT
        if not result.ok:
            for c in result.checks:
                if c.outcome in ("failed", "error"):
                    print(f"  failed: {c.name}: {c.message}")
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        env.destroy()


if __name__ == "__main__":
    sys.exit(main())
