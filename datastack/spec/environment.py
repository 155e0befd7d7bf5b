"""The whole environment spec: one YAML file per environment, the single source of truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from .checks import ChecksSpec
from .common import GENERATE, Strict
from roles.app.spec import AppSpec
from roles.mongo_express.spec import MongoExpressSpec
from roles.mongodb.spec import MongoSpec
from roles.postgres.spec import PostgresSpec
from roles.redis.spec import RedisSpec
from .validators import FreeText, check_state_dir

ENVIRONMENT_NAMES = ("local", "ci", "dev", "staging", "prod")
# Only throwaway environments may have datastack invent their passwords.
GENERATED_SECRETS_ALLOWED = ("local", "ci")


class Services(Strict):
    """The built-in services are fields; a service registered later (roles/registry.py) brings its own spec model,
    and its section is validated with it. Any other key is an error naming the registered services."""

    model_config = ConfigDict(extra="allow", frozen=True)

    mongodb: MongoSpec | None = None
    postgres: PostgresSpec | None = None
    redis: RedisSpec | None = None
    mongo_express: MongoExpressSpec | None = None
    apps: list[AppSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _registered_sections(self):
        from ..services import registered_services

        models = {s.spec_key or s.name: s.spec_model for s in registered_services() if s.spec_model is not None}
        for key, value in (self.__pydantic_extra__ or {}).items():
            if key not in models:
                known = sorted({*type(self).model_fields, *models})
                raise ValueError(f"unknown service {key!r}; fix: use one of: {', '.join(known)}")
            self.__pydantic_extra__[key] = models[key].model_validate(value)
        return self

    def sections(self) -> dict[str, object]:
        """Every declared section, built-in or registered, by its key."""
        built_in = {name: getattr(self, name) for name in type(self).model_fields}
        return {k: v for k, v in {**built_in, **(self.__pydantic_extra__ or {})}.items() if v}


class EnvironmentSpec(Strict):
    name: Literal[ENVIRONMENT_NAMES]  # type: ignore[valid-type]
    description: FreeText = ""
    engine: Literal["local", "docker", "pulumi"] = Field(default="local", description="engine used when --engine is not given")
    state_dir: Annotated[Path, AfterValidator(check_state_dir)] | None = Field(
        default=None, description="where state lives (a directory of its own); default .datastack/<name>")
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
    def _sections_agree(self):
        # What one section names in another (a user it logs in as, a database it shows), and rules of this
        # environment kind: each section's own `check_against(spec)` raises ValueError naming the field and the fix.
        for section in self.services.sections().values():
            for item in section if isinstance(section, list) else [section]:
                if hasattr(item, "check_against"):
                    item.check_against(self)
        return self

    @model_validator(mode="after")
    def _secret_ids_unique(self):
        ids = [secret_id for secret_id, _ in self.secret_refs()]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"two passwords share the secret id {dupes[0]}; fix: rename one of the users")
        return self

    def declared_ports(self) -> list[tuple[str, int]]:
        """(owner, port) of every listener: a section's own `declared_ports()`, else its `port`."""
        ports: list[tuple[str, int]] = []
        for key, section in self.services.sections().items():
            for item in section if isinstance(section, list) else [section]:
                if hasattr(item, "declared_ports"):
                    ports += item.declared_ports()
                elif hasattr(item, "port"):
                    ports.append((key, item.port))
        return ports

    def secret_refs(self) -> list[tuple[str, str]]:
        """(secret id, reference) for every password in the spec; the id names its place."""
        refs: list[tuple[str, str]] = []
        for section in self.services.sections().values():
            if hasattr(section, "secret_refs"):
                refs += section.secret_refs()
        return refs
