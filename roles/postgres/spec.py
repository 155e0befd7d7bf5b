"""The PostgreSQL service in an environment spec: databases and their owner/app/readonly roles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from datastack.spec.tls import TlsSpec
from datastack.spec.common import Access, BindAddress, Credential, Port, SecretId, SecretRef, Strict, GENERATE
from datastack.spec.external import ExternalServer, MayBeExternal
from datastack.spec.spec_paths import SpecRelative
from datastack.spec.validators import Version, check_name
from .names import (
    POSTGRES_NAME, POSTGRES_RESERVED_ROLES, PostgresDatabaseName, PostgresExtensionName, PostgresRoleName,
    PostgresSchemaName, check_postgres_settings,
)


class PostgresUser(Strict):
    name: PostgresRoleName
    password: SecretRef = GENERATE
    access: Access = Field(description="owner (DDL), app (read/write data) or readonly (SELECT only)")


class PostgresGrant(Strict):
    """Access for a role declared elsewhere in the spec (e.g. one reporting role reading two databases)."""

    role: PostgresRoleName
    access: Literal["app", "readonly"]


def _alembic_path(value: Path) -> Path:
    if str(value) in ("", ".") or ".." in value.parts:
        raise ValueError("not an Alembic directory; fix: name its directory, e.g. migrations/postgres/<db>")
    return value


class PostgresDatabase(Strict):
    alembic: Annotated[Path, AfterValidator(_alembic_path), SpecRelative()] | None = Field(default=None, description="Alembic script directory, relative to the spec file")
    schema_name: PostgresSchemaName = Field(default="public", description="schema the app and readonly roles use; owned by the owner")
    extensions: list[PostgresExtensionName] = Field(default_factory=list, description="CREATE EXTENSION in this database")
    users: list[PostgresUser] = Field(default_factory=list)
    grants: list[PostgresGrant] = Field(default_factory=list, description="access for roles declared in other databases")

    @model_validator(mode="after")
    def _one_owner(self):
        owners = [u.name for u in self.users if u.access == "owner"]
        if len(owners) > 1:
            raise ValueError(f"a database has one owner, found {owners}; fix: make the others app or readonly")
        return self

    @property
    def owner(self) -> PostgresUser | None:
        return next((u for u in self.users if u.access == "owner"), None)

    def access_by_role(self) -> dict[str, str]:
        """Every role with access to this database (declared users, then grants) and its access."""
        roles = {u.name: u.access for u in self.users}
        for grant in self.grants:
            roles.setdefault(grant.role, grant.access)
        return roles


# What only a cluster datastack runs has: its binaries, listener and postgresql.conf.
POSTGRES_PROVISIONED_FIELDS = ("version", "port", "bind", "settings")


class PostgresSpec(MayBeExternal):
    section_key = "postgres"
    provisioned_fields = POSTGRES_PROVISIONED_FIELDS

    version: Version = Field(default="15", description="PostgreSQL major version")
    port: Port = 5432
    bind: BindAddress = "127.0.0.1"
    superuser: Credential = Credential(name="postgres")
    settings: Annotated[dict[str, int | str], AfterValidator(check_postgres_settings)] = Field(
        default_factory=lambda: {"max_connections": 100, "shared_buffers": "128MB"},
        description="extra postgresql.conf settings (tuning parameters on an allow-list)",
    )
    databases: dict[PostgresDatabaseName, PostgresDatabase] = Field(default_factory=dict)
    tls: TlsSpec | None = Field(default=None, description="serve TLS only (ssl=on, hostssl), from these files or generated ones")
    external: ExternalServer | None = Field(default=None, description="a server datastack does not provision: "
                                                                       "migrated and checked, never started or stopped")

    def declared_ports(self) -> list[tuple[str, int]]:
        return [] if self.external is not None else [(self.declared_as("postgres"), self.port)]  # nothing listens here when external

    @model_validator(mode="after")
    def _superuser_name(self):
        try:
            check_name(self.superuser.name, POSTGRES_NAME, "PostgreSQL role name",
                       "1-63 characters: lower-case letters, digits and _", POSTGRES_RESERVED_ROLES, ("pg_",))
        except ValueError as exc:
            raise ValueError(f"superuser.name: {exc}") from None
        return self

    @model_validator(mode="after")
    def _roles_declared_once(self):
        # Roles are cluster-wide: one name declared in two databases would get two passwords.
        seen: dict[str, str] = {self.superuser.name: "superuser"}
        for db_name, db in self.databases.items():
            for user in db.users:
                if user.name in seen:
                    raise ValueError(
                        f"databases.{db_name}: role {user.name!r} is already declared by {seen[user.name]}; "
                        "fix: declare a role once and give other databases access through grants"
                    )
                seen[user.name] = f"database {db_name}"
        return self

    @model_validator(mode="after")
    def _grants_to_declared_roles(self):
        declared = {u.name for db in self.databases.values() for u in db.users}
        for db_name, db in self.databases.items():
            for i, grant in enumerate(db.grants):
                if grant.role not in declared:
                    raise ValueError(
                        f"databases.{db_name}.grants.{i}.role: grant to undeclared role {grant.role!r}; "
                        f"fix: declare it under some database's users or use one of: {', '.join(sorted(declared))}"
                    )
        return self

    @property
    def superuser_secret_id(self) -> SecretId:
        return SecretId.of(self.declared_as("postgres"), "superuser")

    def user_secret_id(self, database: str, user: str) -> SecretId:
        return SecretId.of(self.declared_as("postgres"), database, user)

    def secret_refs(self) -> list[tuple[SecretId, str]]:
        refs = [(self.superuser_secret_id, self.superuser.password), *self.external_uri_refs()]
        for db_name, db in self.databases.items():
            refs += [(self.user_secret_id(db_name, u.name), u.password) for u in db.users]
        return refs

    def user(self, name: str) -> tuple[str, PostgresUser]:
        for db_name, db in self.databases.items():
            for user in db.users:
                if user.name == name:
                    return db_name, user
        raise KeyError(name)
