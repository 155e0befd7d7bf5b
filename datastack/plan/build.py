"""build_plan: the pure step from (spec, toolchain, secrets, target) to a Plan."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..spec import EnvironmentSpec

if TYPE_CHECKING:
    from .model import Plan
    from .toolchain import Toolchain
    from ..tls import TlsMaterials


def build_plan(
    spec: EnvironmentSpec,
    toolchain: Toolchain,
    secrets: dict[str, str],
    state_dir: Path,
    target: Literal["local", "container"] = "local",
    tls: "TlsMaterials | None" = None,
) -> Plan:
    """`tls`: where the certificates of servers that serve TLS come from (None: masked, as for display)."""
    from ..services import declared_services  # the registry imports the roles, which import this package
    from .context import Layout, PlanContext  # Jinja2: only where a plan is built
    from .model import Plan

    ctx = PlanContext(layout=Layout(target=target, root=state_dir), toolchain=toolchain, secrets=secrets, spec=spec,
                      tls=tls)
    for service in declared_services(spec):
        ctx.planned += service.plan(spec, ctx)
    notes = ctx.notes + [note for svc in ctx.planned for note in svc.notes]
    return Plan(environment=spec.name, target=target, state_dir=str(state_dir), services=ctx.planned, notes=notes)


def state_dir_for(spec: EnvironmentSpec) -> Path:
    from ..paths import PROJECT_ROOT
    from ..state_location import spec_state_root

    if spec.state_dir is not None:
        return spec.state_dir if spec.state_dir.is_absolute() else PROJECT_ROOT / spec.state_dir
    return spec_state_root(spec.source_file) / spec.name
