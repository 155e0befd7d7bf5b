"""The application containers in an environment spec, and the least-privileged logins each one uses."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationError, model_validator

from datastack.spec.common import BindAddress, Identifier, Port, Strict
from datastack.spec.validators import ImageReference
from roles.mongodb.names import MongoDatabaseName, MongoUserName
from roles.postgres.names import PostgresDatabaseName, PostgresRoleName
from roles.redis.names import RedisUserName


class AppUses(Strict):
    """Which least-privileged credentials the app receives for each store."""

    mongodb: tuple[MongoDatabaseName, MongoUserName] | None = Field(default=None, description="[database, user]")
    postgres: tuple[PostgresDatabaseName, PostgresRoleName] | None = Field(default=None, description="[database, user]")
    redis: RedisUserName | None = Field(default=None, description="ACL user")
    # Another instance of a store (`services.<store>-<suffix>`), by its name: what the app would write under the
    # store's own key. The app receives its URI as <NAME>_URI (redis-queue: REDIS_QUEUE_URI).
    # None when unused, so a spec without instances dumps (plan --json) exactly as before they existed.
    instances: dict[str, object] | None = Field(default=None, max_length=64,
                                                description="instance name: [database, user] or user, as for its store")

    def instance_uses(self, spec) -> "dict[str, AppUses]":
        """Each instance it uses, as uses of its store (validated by the same field), by instance name."""
        declared = spec.services.instances()
        found = {}
        for name, use in (self.instances or {}).items():
            store = declared.get(name)
            if store not in type(self).model_fields:
                raise ValueError(f"uses.instances: {str(name)[:60]!r} is not a declared instance of a store; fix: use "
                                 f"one of: {', '.join(sorted(declared)) or '(none declared)'}")
            try:
                found[name] = AppUses.model_validate({store: use})
            except ValidationError as exc:
                raise ValueError(f"uses.instances.{name}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}; "
                                 f"fix: write it as for uses.{store}") from None
        return found


class AppSpec(Strict):
    name: Identifier
    kind: Literal["reference", "image"] = Field(
        default="reference", description="'reference' runs the bundled app/; 'image' runs a container image"
    )
    image: ImageReference | None = None
    port: Port
    bind: BindAddress = "127.0.0.1"
    uses: AppUses = AppUses()

    @model_validator(mode="after")
    def _image_matches_kind(self):
        if self.kind == "image" and not self.image:
            raise ValueError(f"app {self.name} is kind: image but names no image; fix: add image: <reference>")
        if self.kind == "reference" and self.image:
            raise ValueError(f"app {self.name} is kind: reference but names an image; fix: set kind: image or drop image")
        return self

    def declared_ports(self) -> list[tuple[str, int]]:
        return [(f"app {self.name}", self.port)]

    def check_against(self, spec) -> None:
        """Every login it uses is declared (a database and a user in it, or an ACL user), in an instance too."""
        self._uses_declared(self.uses, spec)
        try:
            instances = self.uses.instance_uses(spec)
        except ValueError as exc:
            raise ValueError(f"app {self.name}: {exc}") from None
        for name, uses in instances.items():
            self._uses_declared(uses, spec.instance_view(name))

    def _uses_declared(self, uses: AppUses, spec) -> None:
        s = spec.services
        for store, section, use in [("mongodb", s.mongodb, uses.mongodb), ("postgres", s.postgres, uses.postgres)]:
            if use is None:
                continue
            if section is None:
                raise ValueError(f"app {self.name} uses {store} but no {store} service is declared; fix: declare services.{store}")
            database, user = use
            if database not in section.databases or user not in {u.name for u in section.databases[database].users}:
                raise ValueError(f"app {self.name}: {_named(section, store)} user {user!r} is not declared in database "
                                 f"{database!r}; fix: declare the user or correct apps.uses")
        if uses.redis is not None:
            if s.redis is None or uses.redis not in {u.name for u in s.redis.users}:
                where = _named(s.redis, "redis")
                raise ValueError(f"app {self.name}: {where} user {uses.redis!r} is not declared; fix: add it to services.{where}.users")


def _named(section, store: str) -> str:
    """The section's key: the store's, or an instance's (seen through spec.instance_view)."""
    return section.declared_as(store) if hasattr(section, "declared_as") else store
