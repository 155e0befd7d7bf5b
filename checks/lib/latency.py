"""Latency probes: warm up, take N timed samples, report p50/p95/p99/max, compare one percentile with its budget."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import pytest


@dataclass(frozen=True)
class Latency:
    probe: str
    samples: int
    p50: float
    p95: float
    p99: float
    max: float
    budget_ms: float
    percentile: str
    histogram: tuple[tuple[float | None, int], ...] = ()  # (upper bound in ms, samples); None = above the last


    @property
    def measured(self) -> float:
        return getattr(self, self.percentile)

    @property
    def within_budget(self) -> bool:
        return self.measured <= self.budget_ms

    def line(self) -> str:
        return (f"{self.probe}: p50 {self.p50:.3f} ms, p95 {self.p95:.3f} ms, p99 {self.p99:.3f} ms, "
                f"max {self.max:.3f} ms over {self.samples} samples (budget {self.percentile} < {self.budget_ms:g} ms)")


def percentile(sorted_ms: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least p% of samples at or below it."""
    rank = max(1, math.ceil(p / 100 * len(sorted_ms)))
    return sorted_ms[rank - 1]


def measure(probe: str, fn: Callable[[], object], *, warmup: int, samples: int, budget_ms: float,
            percentile_name: str) -> Latency:
    for _ in range(warmup):
        fn()
    timings = []
    clock = time.perf_counter_ns
    for _ in range(samples):
        started = clock()
        fn()
        timings.append((clock() - started) / 1e6)
    timings.sort()
    return Latency(probe, samples, percentile(timings, 50), percentile(timings, 95), percentile(timings, 99),
                   timings[-1], budget_ms, percentile_name, histogram(timings))


# Log-spaced bucket bounds (ms): loopback pings sit near 0.1 ms, a budget breach near 10 ms is still visible.
BUCKETS_MS = (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def histogram(timings: list[float]) -> tuple[tuple[float, int], ...]:
    counts = [0] * (len(BUCKETS_MS) + 1)
    for t in timings:
        counts[next((i for i, bound in enumerate(BUCKETS_MS) if t <= bound), len(BUCKETS_MS))] += 1
    return tuple(zip((*BUCKETS_MS, None), counts))  # None: above the last bound (JSON has no infinity)


def assert_within_budget(request, latency: Latency, fix_hint: str) -> None:
    """Record the figures on the test (JSON report, JUnit properties), then judge the budget."""
    request.node.user_properties.append(("latency", asdict(latency)))
    if not latency.within_budget:
        pytest.fail(f"{latency.probe}: {latency.percentile} {latency.measured:.3f} ms is over the budget of "
                    f"{latency.budget_ms:g} ms ({latency.line()}) — fix: {fix_hint}", pytrace=False)


def run_probe(request, target, service: str, operation: str, probe: str, fn: Callable[[], object]) -> Latency:
    checks = target.spec.checks
    budget = getattr(getattr(checks.budgets, service), operation)  # an instance's budgets are its service's
    if target.instance:
        probe = f"{target.instance}: {probe}"
    latency = measure(probe, fn, warmup=checks.warmup, samples=target.sample_count, budget_ms=budget,
                      percentile_name=checks.percentile)
    assert_within_budget(request, latency,
                         f"find the slow path (indexes, load, host) or raise checks.budgets.{service}.{operation} "
                         f"in the spec if {budget:g} ms is too tight")
    return latency
