"""Redis latency budgets in an environment spec, `checks.budgets.redis`: what checks/test_redis_latency.py
compares its measured percentile with."""

from __future__ import annotations

from pydantic import Field

from datastack.spec.common import Milliseconds, Strict


class RedisBudgets(Strict):
    ping: Milliseconds = Field(default=50.0, gt=0, description="PING round trip, ms")
    get: Milliseconds = Field(default=10.0, gt=0, description="GET of one key, ms")
    set: Milliseconds = Field(default=5.0, gt=0, description="SET of one scratch key, ms")
