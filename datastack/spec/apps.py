"""mongo-express and the application containers in an environment spec."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .common import BindAddress, Credential, Identifier, Port, SecretId, Strict
from .validators import ImageReference, MongoDatabaseName, MongoUserName, PostgresDatabaseName, PostgresRoleName
from .validators import RedisUserName, Version


class MongoExpressSpec(Strict):
    enabled: bool = True
    version: Version = "1.0.2"
    port: Port = 8081
    bind: BindAddress = "127.0.0.1"
    basic_auth: Credential | None = Credential(name="admin")
    database: MongoDatabaseName | None = Field(default=None, description="database it shows; all when empty")

    @property
    def basic_auth_secret_id(self) -> SecretId:
        return SecretId.of("mongo_express", "basic_auth")

    def secret_refs(self) -> list[tuple[SecretId, str]]:
        return [(self.basic_auth_secret_id, self.basic_auth.password)] if self.basic_auth else []


class AppUses(Strict):
    """Which least-privileged credentials the app receives for each store."""

    mongodb: tuple[MongoDatabaseName, MongoUserName] | None = Field(default=None, description="[database, user]")
    postgres: tuple[PostgresDatabaseName, PostgresRoleName] | None = Field(default=None, description="[database, user]")
    redis: RedisUserName | None = Field(default=None, description="ACL user")


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
