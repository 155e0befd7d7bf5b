"""The `checks:` section of an environment spec: latency budgets and how `datastack check` measures them.

Defaults come from the Bot Core report (seeds/004): indexed query < 10 ms, write < 5 ms; a ping has
50 ms. A budget is compared with the spec-wide percentile: p50 by default, because the report's figures
are typical latencies and a VM's fsync makes the tail of a committed write jump around; set p95 or p99
for a tail budget. Every probe reports p50/p95/p99/max whatever is compared.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Strict

Milliseconds = float
PERCENTILES = ("p50", "p95", "p99", "max")


class MongoBudgets(Strict):
    ping: Milliseconds = Field(default=50.0, gt=0, description="admin ping round trip, ms")
    indexed_find: Milliseconds = Field(default=10.0, gt=0, description="find_one on a declared index, ms")
    insert: Milliseconds = Field(default=5.0, gt=0, description="insert_one into the scratch collection, ms")


class PostgresBudgets(Strict):
    select_1: Milliseconds = Field(default=50.0, gt=0, description="SELECT 1 round trip, ms")
    indexed_select: Milliseconds = Field(default=10.0, gt=0, description="lookup by primary key, ms")
    insert: Milliseconds = Field(default=5.0, gt=0, description="committed INSERT into the scratch table, ms")


class RedisBudgets(Strict):
    ping: Milliseconds = Field(default=50.0, gt=0, description="PING round trip, ms")
    get: Milliseconds = Field(default=10.0, gt=0, description="GET of one key, ms")
    set: Milliseconds = Field(default=5.0, gt=0, description="SET of one scratch key, ms")


class Budgets(Strict):
    mongodb: MongoBudgets = MongoBudgets()
    postgres: PostgresBudgets = PostgresBudgets()
    redis: RedisBudgets = RedisBudgets()


class ChecksSpec(Strict):
    warmup: int = Field(default=5, ge=0, le=1000, description="untimed calls before a latency probe measures")
    samples: int = Field(default=50, ge=1, le=100000, description="timed calls per latency probe (--samples overrides)")
    percentile: Literal[PERCENTILES] = Field(default="p50", description="percentile compared with each budget")  # type: ignore[valid-type]
    timeout_s: float = Field(default=3.0, gt=0, le=60, description="connect/answer timeout per check: a dead service fails fast")
    replication_lag_s: float = Field(default=10.0, gt=0, description="largest allowed secondary lag on a replica set")
    budgets: Budgets = Budgets()
