"""What one run of the check suite found: every check with outcome, duration and message, every latency probe."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

FIX_MARK = " — fix: "


class CheckResult(BaseModel):
    id: str = Field(description="pytest node id, e.g. checks/test_<service>_drift.py::test_...[...]")
    service: str
    category: str = Field(description="health | users | drift | latency")
    outcome: str = Field(description="passed | failed | skipped | error")
    duration_s: float
    message: str = ""
    latency: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.id.split("::", 1)[-1]

    @property
    def fix(self) -> str | None:
        return self.message.split(FIX_MARK, 1)[1] if FIX_MARK in self.message else None

    @property
    def why(self) -> str:
        return self.message.split(FIX_MARK, 1)[0]


class SuiteResult(BaseModel):
    environment: str
    read_only: bool
    duration_s: float
    checks: list[CheckResult] = Field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for c in self.checks if c.outcome == outcome)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and not any(c.outcome in ("failed", "error") for c in self.checks)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def latency(self) -> list[dict[str, Any]]:
        return [{**c.latency, "check": c.id, "outcome": c.outcome} for c in self.checks if c.latency]

    def to_json(self) -> dict[str, Any]:
        counts = {o: self.count(o) for o in ("passed", "failed", "skipped", "error")}
        return {"environment": self.environment, "read_only": self.read_only, "ok": self.ok, "counts": counts,
                "duration_s": round(self.duration_s, 3),
                "checks": [c.model_dump() for c in self.checks], "latency": self.latency()}


def classify(nodeid: str, instances: frozenset[str] = frozenset()) -> tuple[str, str]:
    """(service, category) from the module name: checks/test_<service>_<category>.py; a check run for one of the
    declared `instances` under that instance's name (a user merely named like one stays its service's)."""
    from ..services import registered_services

    module = nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removeprefix("test_").removesuffix(".py")
    # A check run per instance names the instance first in its id (`[<service>-<suffix>:...]`): reported as its own.
    param = nodeid.partition("[")[2].rstrip("]").split(":", 1)[0]
    for service in registered_services():
        if module == service.name or module.startswith(service.name + "_"):
            rest = module[len(service.name):].lstrip("_")
            return param if param in instances else service.display_name, rest or "health"
    return module, "other"
