"""The mongo-express section of an environment spec: port, basic auth, and the one database it may show."""

from __future__ import annotations

from pydantic import Field

from datastack.spec.common import BindAddress, Credential, Port, SecretId, Strict
from datastack.spec.validators import Version
from roles.mongodb.names import MongoDatabaseName

LOOPBACK = ("127.0.0.1", "localhost", "::1")


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

    def declared_ports(self) -> list[tuple[str, int]]:
        return [("mongo_express", self.port)] if self.enabled else []

    def check_against(self, spec) -> None:
        """Its database is a declared MongoDB database with an admin user; in prod, basic auth on loopback."""
        mongo = spec.services.mongodb
        # A misspelt database must not fall back to the server admin's login.
        if self.database is not None:
            declared = sorted(mongo.databases) if mongo else []
            if self.database not in declared:
                raise ValueError(f"services.mongo_express.database: {self.database!r} is not a declared MongoDB database; "
                                 f"fix: use one of: {', '.join(declared) or '(none declared)'}, or remove it")
            if not any(u.access == "admin" for u in mongo.databases[self.database].users):
                raise ValueError(f"services.mongo_express.database: {self.database} has no user with access: admin for it "
                                 "to log in as; fix: declare one (it never falls back to the server admin)")
        # Production: the admin UI must sit behind basic auth and on loopback, or not run at all.
        if spec.name != "prod" or not self.enabled:
            return
        if self.basic_auth is None:
            raise ValueError("services.mongo_express: enabled in prod without basic_auth; fix: set enabled: false (or add basic_auth)")
        if self.bind not in LOOPBACK:
            raise ValueError(f"services.mongo_express: bound to {self.bind} in prod; fix: set enabled: false (or bind: 127.0.0.1)")
