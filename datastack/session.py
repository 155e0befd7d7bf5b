"""One command's view of an environment: the spec, its secrets, the toolchain and the plan."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .endpoints import Endpoints
from .paths import display, state_root
from .plan import Plan, build_plan, state_dir_for
from .plan.addresses import planned_endpoints
from .plan.toolchain import Toolchain, detect_toolchain
from .spec import EnvironmentSpec, SecretStore, load_environment
from .spec.secrets import masked


@dataclass
class Session:
    spec: EnvironmentSpec
    spec_path: Path

    @classmethod
    def open(cls, env: str | None, spec: Path | None) -> "Session":
        model, path = load_environment(env, spec)
        return cls(model, path)

    @cached_property
    def state_dir(self) -> Path:
        return state_dir_for(self.spec)

    @cached_property
    def toolchain(self) -> Toolchain:
        from .engines.local.runtime import runtime_python

        version = self.spec.services.postgres.version if self.spec.services.postgres else "15"
        from .engines.local.mongo_express import mongo_express_dir

        return detect_toolchain(version, mongo_express_dir=mongo_express_dir(), python=runtime_python(state_root()))

    def secrets(self, *, generate: bool = False, only: set[str] | None = None) -> dict[str, str]:
        return SecretStore(self.spec, self.state_dir, display(self.spec_path)).resolve_all(generate=generate, only=only)

    def plan(self, secrets: dict[str, str], target: str = "local") -> Plan:
        return build_plan(self.spec, self.toolchain, secrets, self.state_dir, target=target)

    def display_plan(self, target: str = "local") -> Plan:
        return self.plan(masked(dict(self.spec.secret_refs())), target)

    def secrets_or_masked(self) -> dict[str, str]:
        """For commands that must work before the first `up` (status, down): never generate."""
        from .errors import UserError

        try:
            return self.secrets()
        except UserError:
            return masked(dict(self.spec.secret_refs()))

    def endpoints_for_engine(self, engine) -> Endpoints:
        standin = any(s.implementation == "secantus" for s in engine.plan.services)
        return planned_endpoints(self.spec, engine.name, mongo_standin=standin)

    def endpoints(self) -> Endpoints:
        """What the last `up` recorded, else what the plan says it would be."""
        saved = Endpoints.load(self.state_dir / "endpoints.json")
        if saved is not None:
            return saved
        standin = not self.toolchain.mongod
        return planned_endpoints(self.spec, self.spec.engine, mongo_standin=standin)
