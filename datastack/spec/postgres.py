"""The PostgreSQL service in an environment spec: databases and their owner/app/readonly roles."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from .common import Access, BindAddress, Credential, Identifier, Port, SecretRef, Strict, GENERATE


class PostgresUser(Strict):
    name: Identifier
    password: SecretRef = GENERATE
    access: Access = Field(description="owner (DDL), app (read/write data) or readonly (SELECT only)")


class PostgresDatabase(Strict):
    alembic: Path | None = Field(default=None, description="Alembic script directory, relative to the project")
    extensions: list[str] = Field(default_factory=list)
    users: list[PostgresUser] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_owner(self):
        owners = [u.name for u in self.users if u.access == "owner"]
        if len(owners) > 1:
            raise ValueError(f"a database has one owner, found {owners}; fix: make the others app or readonly")
        return self

    @property
    def owner(self) -> PostgresUser | None:
        return next((u for u in self.users if u.access == "owner"), None)


class PostgresSpec(Strict):
    version: str = Field(default="15", description="PostgreSQL major version")
    port: Port = 5432
    bind: BindAddress = "127.0.0.1"
    superuser: Credential = Credential(name="postgres")
    settings: dict[str, str | int] = Field(
        default_factory=lambda: {"max_connections": 100, "shared_buffers": "128MB"},
        description="extra postgresql.conf settings",
    )
    databases: dict[Identifier, PostgresDatabase] = Field(default_factory=dict)

    def user(self, name: str) -> tuple[str, PostgresUser]:
        for db_name, db in self.databases.items():
            for user in db.users:
                if user.name == name:
                    return db_name, user
        raise KeyError(name)
