"""The MongoDB service in an environment spec: topology, version, users per database."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from datastack.spec.common import Access, BindAddress, Credential, Identifier, Port, SecretId, SecretRef, Strict, GENERATE


class MongoRoleGrant(Strict):
    role: str
    db: str | None = Field(default=None, description="database of the role; defaults to the user's database")


class MongoUser(Strict):
    name: str
    password: SecretRef = GENERATE
    access: Access = Field(description="what the user is for: admin, app (least privilege) or readonly")
    roles: list[str | MongoRoleGrant] = Field(min_length=1)

    def grants(self, database: str) -> list[MongoRoleGrant]:
        return [MongoRoleGrant(role=r, db=database) if isinstance(r, str) else r for r in self.roles]


class MongoDatabase(Strict):
    schema_file: Path | None = Field(
        default=None, alias="schema", description="declarative schema (collections, indexes, seeds), relative to the project"
    )
    users: list[MongoUser] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_users(self):
        names = [u.name for u in self.users]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"user {dupes[0]!r} is declared twice; fix: remove one")
        return self


class MongoSpec(Strict):
    version: str = Field(default="7.0", description="MongoDB server version (image tag for containers)")
    topology: Literal["replica_set", "standalone"] = "replica_set"
    members: int = Field(default=3, ge=1, le=7, description="replica set members, on consecutive ports")
    replica_set_name: str = Field(default="rs0", pattern=r"^[A-Za-z0-9_-]+$")
    port: Port = 27017
    bind: BindAddress = "127.0.0.1"
    auth: Literal[True] = Field(default=True, description="authentication is always on")
    admin: Credential = Credential(name="admin")
    keyfile: SecretRef = Field(default=GENERATE, description="replica set keyFile content (internal member auth)")
    databases: dict[Identifier, MongoDatabase] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _standalone_has_one_member(self):
        if self.topology == "standalone" and self.members != 1:
            raise ValueError("a standalone MongoDB has exactly one member; fix: set members: 1 or topology: replica_set")
        return self

    @property
    def ports(self) -> list[int]:
        return [self.port + i for i in range(self.members)]

    @property
    def admin_secret_id(self) -> SecretId:
        return SecretId.of("mongodb", "admin")

    @property
    def keyfile_secret_id(self) -> SecretId:
        return SecretId.of("mongodb", "keyfile")

    def user_secret_id(self, database: str, user: str) -> SecretId:
        return SecretId.of("mongodb", database, user)

    def secret_refs(self) -> list[tuple[SecretId, str]]:
        refs = [(self.admin_secret_id, self.admin.password)]
        if self.topology == "replica_set":
            refs.append((self.keyfile_secret_id, self.keyfile))
        for db_name, db in self.databases.items():
            refs += [(self.user_secret_id(db_name, u.name), u.password) for u in db.users]
        return refs

    def user(self, name: str) -> tuple[str, MongoUser]:
        for db_name, db in self.databases.items():
            for user in db.users:
                if user.name == name:
                    return db_name, user
        raise KeyError(name)
