"""Application containers, and the bundled reference app that proves the wiring.

Each app receives, through its environment, connection URIs built with the least-privileged
credentials the spec names in `uses` — never an admin login.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pathlib import Path

from datastack.endpoints import Endpoints
from datastack.paths import PROJECT_ROOT
from datastack.plan import containers
from datastack.plan.addresses import container_endpoints
from datastack.plan.context import PlanContext
from datastack.plan.model import Probe, RenderedFile, ServicePlan
from roles.mongodb.login import mongo_login, mongo_uri
from roles.postgres.login import postgres_login, postgres_uri
from roles.redis.login import redis_login, redis_uri

from .container import INNER_PORT
from .spec import AppSpec

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec

REFERENCE_APP_IMAGE = "datastack/app"


def app_environment(app: AppSpec, spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str]) -> dict[str, str]:
    env = {"APP_NAME": app.name, "APP_PORT": str(app.port), "APP_BIND": app.bind}
    env.update(_store_uris(app.uses, spec, endpoints, secrets))
    for name, uses in app.uses.instance_uses(spec).items():  # an instance's variables are named after the instance
        env.update(_store_uris(uses, spec.instance_view(name), endpoints.instance_view(name), secrets,
                               prefix=name.upper().replace("-", "_")))
    return env


def _store_uris(uses, spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str],
                prefix: str | None = None) -> dict[str, str]:
    env: dict[str, str] = {}
    if uses.mongodb:
        database, user = uses.mongodb
        env[f"{prefix or 'MONGODB'}_URI"] = mongo_uri(endpoints, mongo_login(spec, secrets, user, database))
        env[f"{prefix or 'MONGODB'}_DATABASE"] = database
    if uses.postgres:
        database, user = uses.postgres
        env[f"{prefix or 'POSTGRES'}_URI"] = postgres_uri(endpoints, postgres_login(spec, secrets, user), database)
    if uses.redis:
        env[f"{prefix or 'REDIS'}_URI"] = redis_uri(endpoints, redis_login(spec, secrets, uses.redis))
    return env


URI_SUFFIX = "_URI"  # every connection URI (each holds a password): MONGODB_URI, ..., REDIS_QUEUE_URI
FILE_SUFFIX = "_FILE"  # the convention of the official images: KEY_FILE names a file holding KEY's value


def secrets_as_files(name: str, env: dict[str, str], ctx: PlanContext) -> list:
    """In containers, every URI with a password becomes a 0400 file named by KEY_FILE: `docker inspect` and the
    Pulumi state's container environment then hold no password (app/health.py reads either form)."""
    files = []
    for key in [k for k in env if k.endswith(URI_SUFFIX)]:
        secret = ctx.file(name, key.lower(), "containers/password.j2", mode=0o400, secret=True, password=env.pop(key))
        env[f"{key}{FILE_SUFFIX}"] = secret.path
        files.append(secret)
    return files


def reference_app_code(conf_dir: Path) -> list[RenderedFile]:
    """The reference app's package as files under the app's conf/ (`python -m app.server` runs from there)."""
    header = "# Managed by datastack: a copy of app/{} for the app's user — edits are overwritten by `datastack up`.\n"
    return [RenderedFile(path=str(conf_dir / "app" / source.name), template=f"app/{source.name}",
                         content=header.format(source.name) + source.read_text())
            for source in sorted((PROJECT_ROOT / "app").glob("*.py"))]


def store_cas(spec: EnvironmentSpec, app: AppSpec, name: str, ctx: PlanContext) -> list[RenderedFile]:
    """Containers: the CA of each TLS store the app uses, where its URI's CA parameter points."""
    cas = []
    used = [(store, getattr(spec.services, store)) for store in ("mongodb", "postgres", "redis") if getattr(app.uses, store)]
    used += [(instance, spec.services.sections()[instance]) for instance in app.uses.instances or {}]  # its own file
    for store, section in used:
        if section is not None:
            ca = ctx.tls_ca_for_clients(name, store, section.tls)
            cas += [ca] if ca is not None else []
    return cas


def plan_apps(spec: EnvironmentSpec, ctx: PlanContext) -> list[ServicePlan]:
    plans = []
    container = ctx.layout.target == "container"
    endpoints = ctx.endpoints
    if container:
        endpoints = container_endpoints(spec)  # apps reach the stores on the private network
    for app in spec.services.apps:
        name = f"app-{app.name}"
        env = app_environment(app, spec, endpoints, ctx.secrets)
        if container:
            env.update(APP_PORT=str(INNER_PORT), APP_BIND="0.0.0.0")
        env_file = ctx.file(name, "app.env", "app/app.env.j2", secret=True, environment=env)
        secret_files = secrets_as_files(name, env, ctx) if container else []
        if container:
            secret_files += store_cas(spec, app, name, ctx)
        deps = [s for s, declared in (("mongodb", app.uses.mongodb), ("postgres", app.uses.postgres), ("redis", app.uses.redis)) if declared]
        deps += list(app.uses.instances or {})
        reference = app.kind == "reference"
        plans.append(ServicePlan(
            name=name,
            role="app",
            implementation="reference-app" if reference else "image",
            image=(containers.offline_image("app") if container else REFERENCE_APP_IMAGE) if reference else app.image,
            command=[] if container else ([ctx.toolchain.python, "-m", "app.server"] if reference else []),
            working_dir=str(ctx.layout.conf_dir(name)) if reference and not container else None,
            environment=env,
            secret_environment=[k for k in env if k.endswith(URI_SUFFIX)],
            # Containers: plain settings in env, URIs as files (the code is in their image); a process gets its own
            # copy of the code, which its user can read even when the checkout sits under a directory closed to it.
            files=secret_files if container else [env_file, *(reference_app_code(ctx.layout.conf_dir(name)) if reference else [])],
            log_file=str(ctx.layout.log_file(name)) if ctx.layout.log_file(name) else None,
            bind=app.bind,
            ports=[app.port],
            run_as=containers.image_user(spec, "app").name if container else ctx.toolchain.user_for("app"),
            readiness=Probe(kind="http", host="127.0.0.1", port=app.port, path="/health"),
            depends_on=deps,
        ))
    return plans
