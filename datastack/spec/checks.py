"""The `checks:` section of an environment spec: latency budgets and how `datastack check` measures them.

Defaults come from the Bot Core report (seeds/004): indexed query < 10 ms, write < 5 ms; a ping has
50 ms. A budget is compared with the spec-wide percentile: p50 by default, because the report's figures
are typical latencies and a VM's fsync makes the tail of a committed write jump around; set p95 or p99
for a tail budget. Every probe reports p50/p95/p99/max whatever is compared.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, create_model

from .common import Strict

PERCENTILES = ("p50", "p95", "p99", "max")


def _budgets_model() -> type[Strict]:
    """One field per built-in service that has latency budgets (its own model, all defaults), in registry order."""
    from roles.registry import BUILT_IN

    fields = {s.name: (s.latency_budgets, s.latency_budgets()) for s in BUILT_IN if s.latency_budgets is not None}
    return create_model("Budgets", __base__=Strict, __module__=__name__, **fields)


Budgets = _budgets_model()


class ChecksSpec(Strict):
    warmup: int = Field(default=5, ge=0, le=1000, description="untimed calls before a latency probe measures")
    samples: int = Field(default=50, ge=1, le=100000, description="timed calls per latency probe (--samples overrides)")
    percentile: Literal[PERCENTILES] = Field(default="p50", description="percentile compared with each budget")  # type: ignore[valid-type]
    timeout_s: float = Field(default=3.0, gt=0, le=60, description="connect/answer timeout per check: a dead service fails fast")
    replication_lag_s: float = Field(default=10.0, gt=0, description="largest allowed secondary lag on a replica set")
    tls_expiry_days: int = Field(default=14, ge=0, le=3650,
                                 description="a TLS store fails check when its certificate expires within this many days")
    budgets: Budgets = Budgets()  # type: ignore[valid-type]
