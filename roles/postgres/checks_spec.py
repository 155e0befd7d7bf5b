"""PostgreSQL latency budgets in an environment spec, `checks.budgets.postgres`: what checks/test_postgres_latency.py
compares its measured percentile with."""

from __future__ import annotations

from pydantic import Field

from datastack.spec.common import Milliseconds, Strict


class PostgresBudgets(Strict):
    select_1: Milliseconds = Field(default=50.0, gt=0, description="SELECT 1 round trip, ms")
    indexed_select: Milliseconds = Field(default=10.0, gt=0, description="lookup by primary key, ms")
    insert: Milliseconds = Field(default=5.0, gt=0, description="committed INSERT into the scratch table, ms")
