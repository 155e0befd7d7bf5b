"""The whole environment spec: one YAML file per environment, the single source of truth."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from .apps import AppSpec, MongoExpressSpec
from .checks import ChecksSpec
from .common import GENERATE, Strict
from .mongodb import MongoSpec
from .postgres import PostgresSpec
from .redis import RedisSpec

ENVIRONMENT_NAMES = ("local", "ci", "dev", "staging", "prod")
# Only throwaway environments may have datastack invent their passwords.
GENERATED_SECRETS_ALLOWED = ("local", "ci")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Services(Strict):
    mongodb: MongoSpec | None = None
    postgres: PostgresSpec | None = None
    redis: RedisSpec | None = None
    mongo_express: MongoExpressSpec | None = None
    apps: list[AppSpec] = Field(default_factory=list)


class EnvironmentSpec(Strict):
    name: Literal[ENVIRONMENT_NAMES]  # type: ignore[valid-type]
    description: str = ""
    engine: Literal["local", "docker", "pulumi"] = Field(default="local", description="engine used when --engine is not given")
    state_dir: Path | None = Field(default=None, description="where state lives; default .datastack/<name>")
    images: Literal["official", "offline"] = Field(
        default="official",
        description="containers: pinned official images, or offline ones from `datastack images build` (no registry)",
    )
    services: Services
    checks: ChecksSpec = ChecksSpec()

    @model_validator(mode="after")
    def _ports_unique(self):
        seen: dict[int, str] = {}
        for owner, port in self.declared_ports():
            if port in seen:
                raise ValueError(f"port {port} is used by both {seen[port]} and {owner}; fix: give each service its own port")
            seen[port] = owner
        return self

    @model_validator(mode="after")
    def _generated_secrets_only_where_allowed(self):
        if self.name in GENERATED_SECRETS_ALLOWED:
            return self
        for where, ref in self.secret_refs():
            if ref == GENERATE:
                raise ValueError(
                    f"{where}: 'generate' is only for local and ci; fix: use ${{env:NAME}} or ${{file:PATH}} in {self.name}"
                )
        return self

    @model_validator(mode="after")
    def _apps_use_declared_users(self):
        s = self.services
        for app in s.apps:
            checks = [
                ("mongodb", s.mongodb, app.uses.mongodb),
                ("postgres", s.postgres, app.uses.postgres),
            ]
            for store, spec, use in checks:
                if use is None:
                    continue
                if spec is None:
                    raise ValueError(f"app {app.name} uses {store} but no {store} service is declared; fix: declare services.{store}")
                database, user = use
                if database not in spec.databases or user not in {u.name for u in spec.databases[database].users}:
                    raise ValueError(f"app {app.name}: {store} user {user!r} is not declared in database {database!r}; fix: declare the user or correct apps.uses")
            if app.uses.redis is not None:
                if s.redis is None or app.uses.redis not in {u.name for u in s.redis.users}:
                    raise ValueError(f"app {app.name}: redis user {app.uses.redis!r} is not declared; fix: add it to services.redis.users")
        return self

    @model_validator(mode="after")
    def _prod_mongo_express_locked_down(self):
        # Production: the admin UI must sit behind basic auth and on loopback, or not run at all.
        me = self.services.mongo_express
        if self.name != "prod" or me is None or not me.enabled:
            return self
        if me.basic_auth is None:
            raise ValueError("services.mongo_express: enabled in prod without basic_auth; fix: set enabled: false (or add basic_auth)")
        if me.bind not in LOOPBACK:
            raise ValueError(f"services.mongo_express: bound to {me.bind} in prod; fix: set enabled: false (or bind: 127.0.0.1)")
        return self

    def declared_ports(self) -> list[tuple[str, int]]:
        s = self.services
        ports: list[tuple[str, int]] = []
        if s.mongodb:
            ports += [(f"mongodb member {i}", p) for i, p in enumerate(s.mongodb.ports)]
        if s.postgres:
            ports.append(("postgres", s.postgres.port))
        if s.redis:
            ports.append(("redis", s.redis.port))
        if s.mongo_express and s.mongo_express.enabled:
            ports.append(("mongo_express", s.mongo_express.port))
        ports += [(f"app {a.name}", a.port) for a in s.apps]
        return ports

    def secret_refs(self) -> list[tuple[str, str]]:
        """(secret id, reference) for every password in the spec; the id names its place."""
        refs: list[tuple[str, str]] = []
        for name in type(self.services).model_fields:
            section = getattr(self.services, name)
            if section is not None and hasattr(section, "secret_refs"):
                refs += section.secret_refs()
        return refs
