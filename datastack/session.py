"""One command's view of an environment: the spec, its secrets, the toolchain and the plan."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .endpoints import Endpoints
from .paths import display, state_root
from .plan import build_plan, state_dir_for
from .plan.addresses import planned_endpoints
from .plan.toolchain import Toolchain, detect_toolchain
from .services import runs_stand_in
from .spec import EnvironmentSpec, SecretStore, load_environment
from .spec.secrets import masked

if TYPE_CHECKING:
    from .plan import Plan


@dataclass
class Session:
    spec: EnvironmentSpec
    spec_path: Path
    stack_outputs: Path | None = None  # `pulumi stack output --json` of a stack: its endpoints win

    @classmethod
    def open(cls, env: str | None, spec: Path | None, from_stack: Path | None = None, *,
             expired_certificates_ok: bool = False) -> "Session":
        """`expired_certificates_ok`: for commands that deploy nothing (see load_environment)."""
        model, path = load_environment(env, spec, expired_certificates_ok=expired_certificates_ok)
        return cls(model, path, from_stack)

    @cached_property
    def state_dir(self) -> Path:
        return state_dir_for(self.spec)

    @cached_property
    def toolchain(self) -> Toolchain:
        from .engines.local.runtime import runtime_python

        return detect_toolchain(self.spec, python=runtime_python(state_root()))

    def secrets(self, *, generate: bool = False, only: set[str] | None = None) -> dict[str, str]:
        from .services import declared_services

        values = SecretStore(self.spec, self.state_dir, display(self.spec_path)).resolve_all(generate=generate, only=only)
        for service in declared_services(self.spec):
            if service.check_secrets is not None:
                service.check_secrets(self.spec, values, display(self.spec_path))
        return values

    def plan(self, secrets: dict[str, str], target: str = "local", *, issue_tls: bool = False) -> "Plan":
        """issue_tls: make or renew generated certificates (`up`); otherwise only read those that exist."""
        from .tls import TlsMaterials

        tls = TlsMaterials(self.state_dir, self.spec.name, issue=issue_tls)
        return build_plan(self.spec, self.toolchain, secrets, self.state_dir, target=target, tls=tls)

    def display_plan(self, target: str = "local") -> "Plan":
        return build_plan(self.spec, self.toolchain, masked(dict(self.spec.secret_refs())), self.state_dir, target=target)

    def secrets_or_masked(self) -> dict[str, str]:
        """For commands that must work before the first `up` (status, down): never generate."""
        from .errors import UserError

        try:
            return self.secrets()
        except UserError:
            return masked(dict(self.spec.secret_refs()))

    def endpoints_for_engine(self, engine) -> Endpoints:
        return planned_endpoints(self.spec, engine.name, stand_in=runs_stand_in(engine.plan.services))

    def endpoints(self) -> Endpoints:
        """A Pulumi stack's outputs when given, else what the last `up` recorded, else what the plan says."""
        if self.stack_outputs is not None:
            return endpoints_from_stack(self.stack_outputs, self.spec.name)
        saved = Endpoints.load(self.state_dir / "endpoints.json")
        if saved is not None:
            return saved
        return planned_endpoints(self.spec, self.spec.engine, stand_in=runs_stand_in(self.display_plan().services))


def endpoints_from_stack(path: Path, environment: str) -> Endpoints:
    """Read the `endpoints` output of `pulumi stack output --json` (addresses only, no secrets)."""
    import json

    from pydantic import ValidationError

    from .errors import UserError

    fix = "write it with: pulumi stack output --json --stack <env> > FILE"
    try:
        outputs = json.loads(Path(path).read_text())
    except OSError as exc:
        raise UserError(f"cannot read stack outputs ({exc.strerror})", where=str(path), fix=fix) from None
    except json.JSONDecodeError:
        raise UserError("stack outputs are not JSON", where=str(path), fix=fix) from None
    if not isinstance(outputs, dict) or not isinstance(outputs.get("endpoints"), dict):
        raise UserError("stack outputs have no 'endpoints' object", where=str(path), fix=fix)
    try:
        return Endpoints.model_validate({"environment": environment, "engine": "pulumi", **outputs["endpoints"]})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(f"endpoints.{where}: {first['msg']}", where=str(path), fix=fix) from None
