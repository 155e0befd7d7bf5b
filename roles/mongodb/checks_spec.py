"""MongoDB latency budgets in an environment spec, `checks.budgets.mongodb`: what checks/test_mongodb_latency.py
compares its measured percentile with."""

from __future__ import annotations

from pydantic import Field

from datastack.spec.common import Milliseconds, Strict


class MongoBudgets(Strict):
    ping: Milliseconds = Field(default=50.0, gt=0, description="admin ping round trip, ms")
    indexed_find: Milliseconds = Field(default=10.0, gt=0, description="find_one on a declared index, ms")
    insert: Milliseconds = Field(default=5.0, gt=0, description="insert_one into the scratch collection, ms")
