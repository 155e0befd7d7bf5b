"""Redis: one server, an ACL file with the default user off and one user per application."""

from __future__ import annotations

from typing import TYPE_CHECKING

import hashlib
from dataclasses import dataclass

from datastack.plan import containers
from datastack.plan.context import PlanContext
from datastack.plan.model import Probe, ServicePlan
from datastack.tls import server_names
from datastack.spec.external import external_note

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec

SERVICE = "redis"
REDIS_IMAGE = "redis:{version}-bookworm"


@dataclass(frozen=True)
class AclLine:
    name: str
    password_sha256: str  # Redis accepts '#<sha256>' so the plaintext never touches disk
    keys: list[str]
    channels: list[str]
    commands: list[str]


def first_acl_lines(spec: EnvironmentSpec, secrets: dict[str, str]) -> list[AclLine]:
    """The ACL file's first content: the administrator only. From then on Redis owns the file (ACL SAVE) and
    the reconciler every user, the admin's password included."""
    redis = spec.services.redis
    return [AclLine(redis.admin.name, _sha256(secrets[redis.admin_secret_id]), ["*"], ["*"], ["+@all"])]


def plan_redis(spec: EnvironmentSpec, ctx: PlanContext) -> list[ServicePlan]:
    redis = spec.services.redis
    if redis is None:
        return []
    if redis.external is not None:
        ctx.notes.append(external_note(redis.declared_as("redis"), redis.external.where))
        return []  # nothing to run: migrate and check reach it where external: says
    layout = ctx.layout
    name = redis.declared_as(SERVICE)  # an instance plans under its own name: its own directories and plan entry
    # Locally the ACL file sits in the data directory: Redis owns it after the first start and must be able to
    # rewrite it (ACL SAVE); conf/ belongs to root.
    acl = ctx.file(name, "users.acl", "redis/users.acl.j2", secret=True, first_start_only=True,
                   directory=layout.data_dir(name) if layout.target == "local" else None,
                   users=first_acl_lines(spec, ctx.secrets))
    log_file = layout.log_file(name)
    aliases = [containers.dns_alias(name)] if layout.target == "container" else []
    tls = ctx.tls_files(name, redis.tls, server_names(redis.bind, *aliases))
    conf = ctx.file(
        name, "redis.conf", "redis/redis.conf.j2",
        bind=redis.bind if layout.target == "local" else "0.0.0.0",
        port=redis.port if layout.target == "local" else 6379,
        data_dir=str(layout.data_dir(name)), log_file=str(log_file) if log_file else None,
        acl_file=acl.path, protected_mode=layout.target == "local", databases=redis.databases, maxmemory=redis.maxmemory,
        maxmemory_policy=redis.maxmemory_policy, save_rules=redis.persistence.rdb, aof=redis.persistence.aof,
        tls=tls,
    )
    tls_files = [tls.ca, tls.cert, tls.key] if tls else []
    if layout.target == "container":
        return [_container(spec, name, [conf, acl, *tls_files], str(layout.data_dir(name)), tls.client_ca_file if tls else None)]
    binary = ctx.toolchain.program("redis-server") or "redis-server"
    return [
        ServicePlan(
            name=name,
            role="redis",
            implementation="redis-server",
            image=REDIS_IMAGE.format(version=redis.version),
            command=[binary, conf.path],
            files=[conf, acl, *tls_files],
            data_dir=str(layout.data_dir(name)),
            log_file=str(log_file) if log_file else None,
            bind=redis.bind,
            ports=[redis.port],
            run_as=ctx.toolchain.user_for("redis"),
            readiness=Probe(kind="redis", host="127.0.0.1", port=redis.port, tls_ca_file=tls.client_ca_file if tls else None),
            reconcile_logins=True,
        )
    ]


def _container(spec: EnvironmentSpec, name: str, files: list, data: str, tls_ca_file: str | None) -> ServicePlan:
    redis = spec.services.redis
    conf = files[0].path
    if spec.images == "offline":
        # The offline image's entrypoint writes its own redis.conf that includes ours (see images/redis).
        command, env = [], {"REDIS_CONFIG_FILE": conf}
    else:
        command, env = ["redis-server", conf], {}
    return ServicePlan(
        name=name,
        role="redis",
        implementation="redis-server",
        image=containers.image_for(spec, "redis", redis.version),
        command=command,
        environment=env,
        files=files,
        data_dir=data,
        bind=redis.bind,
        ports=[redis.port],
        run_as=containers.image_user(spec, "redis").name,
        readiness=Probe(kind="redis", host="127.0.0.1", port=redis.port, tls_ca_file=tls_ca_file),
        reconcile_logins=True,
    )


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
