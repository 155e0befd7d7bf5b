"""The mongo-express section of an environment spec: port, basic auth, and the one database it may show."""

from __future__ import annotations

from pydantic import Field

from datastack.spec.common import BindAddress, Credential, Port, SecretId, Strict
from datastack.spec.validators import Version
from roles.mongodb.names import MongoDatabaseName


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
