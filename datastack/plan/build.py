"""build_plan: the pure step from (spec, toolchain, secrets, target) to a Plan."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from roles.app import plan_apps
from roles.mongo_express import plan_mongo_express
from roles.mongodb import plan_mongodb
from roles.postgres import plan_postgres
from roles.redis import plan_redis

from ..spec import EnvironmentSpec
from .addresses import planned_endpoints
from .context import Layout, PlanContext
from .model import Plan
from .toolchain import Toolchain


def build_plan(
    spec: EnvironmentSpec,
    toolchain: Toolchain,
    secrets: dict[str, str],
    state_dir: Path,
    target: Literal["local", "container"] = "local",
) -> Plan:
    ctx = PlanContext(layout=Layout(target=target, root=state_dir), toolchain=toolchain, secrets=secrets)
    mongo = plan_mongodb(spec, ctx)
    standin = any(s.implementation == "secantus" for s in mongo)
    endpoints = planned_endpoints(spec, target, mongo_standin=standin)
    services = [*mongo, *plan_postgres(spec, ctx), *plan_redis(spec, ctx)]
    express, notes = plan_mongo_express(spec, ctx, endpoints, [s.name for s in mongo])
    services += express
    services += plan_apps(spec, ctx, endpoints)
    notes += [note for svc in services for note in svc.notes]
    return Plan(environment=spec.name, target=target, state_dir=str(state_dir), services=services, notes=notes)


def state_dir_for(spec: EnvironmentSpec) -> Path:
    from ..paths import PROJECT_ROOT, state_root

    if spec.state_dir is not None:
        return spec.state_dir if spec.state_dir.is_absolute() else PROJECT_ROOT / spec.state_dir
    return state_root() / spec.name
