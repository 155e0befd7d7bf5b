"""What every engine shares: its constructor's inputs, the methods it implements, the status it reports."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from ..endpoints import Endpoints
from ..plan.model import Plan, ServicePlan
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


class Engine(ABC):
    """An engine runs a plan; it never decides what to run, and never looks at a service's role."""

    name = "engine"

    def __init__(self, spec: EnvironmentSpec, plan: Plan, secrets: dict[str, str], say=lambda line: None):
        self.spec = spec
        self.plan = plan
        self.secrets = secrets
        self.say = say
        self.state_dir = Path(plan.state_dir)

    @abstractmethod
    def up(self, endpoints: Endpoints) -> dict[str, str]:
        """Bring every service to its planned state; {service: unchanged|started|restarted}."""

    @abstractmethod
    def down(self, purge: bool = False) -> list[str]:
        """Stop every service (data kept unless purge); the names of those that were running."""

    @abstractmethod
    def status(self) -> list["ServiceState"]:
        """What runs, and whether its configuration is current."""

    def reconcile_logins(self, svc: ServicePlan, endpoints: Endpoints) -> None:
        """After a store (re)started: its reconciler makes every user, role and password the spec declares —
        the same code `datastack migrate` runs, so there is one writer of logins per store."""
        from ..migrate.report import MigrateOptions
        from ..services import declared_service_named

        store = declared_service_named(self.spec, svc.name, svc.role).store  # an instance's own, seen from it
        store.reconcile_logins(self.spec, endpoints, self.secrets, MigrateOptions(progress=self.say))
