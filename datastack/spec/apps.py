"""mongo-express and the application containers in an environment spec."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import BindAddress, Credential, Identifier, Port, SecretId, Strict


class MongoExpressSpec(Strict):
    enabled: bool = True
    version: str = "1.0.2"
    port: Port = 8081
    bind: BindAddress = "127.0.0.1"
    basic_auth: Credential | None = Credential(name="admin")
    database: str | None = Field(default=None, description="database it shows; all when empty")

    @property
    def basic_auth_secret_id(self) -> SecretId:
        return SecretId.of("mongo_express", "basic_auth")

    def secret_refs(self) -> list[tuple[SecretId, str]]:
        return [(self.basic_auth_secret_id, self.basic_auth.password)] if self.basic_auth else []


class AppUses(Strict):
    """Which least-privileged credentials the app receives for each store."""

    mongodb: tuple[str, str] | None = Field(default=None, description="[database, user]")
    postgres: tuple[str, str] | None = Field(default=None, description="[database, user]")
    redis: str | None = Field(default=None, description="ACL user")


class AppSpec(Strict):
    name: Identifier
    kind: Literal["reference", "image"] = Field(
        default="reference", description="'reference' runs the bundled app/; 'image' runs a container image"
    )
    image: str | None = None
    port: Port
    bind: BindAddress = "127.0.0.1"
    uses: AppUses = AppUses()
