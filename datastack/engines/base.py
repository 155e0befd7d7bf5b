"""What every engine shares: its constructor's inputs and the status it reports per service."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..plan.model import Plan
from ..spec import EnvironmentSpec


@dataclass
class ServiceState:
    name: str
    role: str
    implementation: str
    state: str  # running | stopped | dead (started by datastack, gone without a down) | engine-specific health
    pid: int | None
    ports: list[int]
    config_current: bool | None
    notes: list[str]


class Engine:
    """An engine runs a plan; it never decides what to run. Subclasses: up(endpoints), down(purge), status()."""

    name = "engine"

    def __init__(self, spec: EnvironmentSpec, plan: Plan, secrets: dict[str, str], say=lambda line: None):
        self.spec = spec
        self.plan = plan
        self.secrets = secrets
        self.say = say
        self.state_dir = Path(plan.state_dir)
