"""The MongoDB service in an environment spec: topology, version, users per database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from datastack.spec.tls import TlsSpec
from datastack.spec.common import Access, BindAddress, Credential, Port, SecretId, SecretRef, Strict, GENERATE
from datastack.spec.external import HostPort, MayBeExternal, Reference
from datastack.spec.spec_paths import SpecRelative
from datastack.spec.validators import ReplicaSetName, Version, check_name, check_port_range
from .names import MONGO_USER, MONGO_RESERVED_USERS, MongoDatabaseName, MongoRoleName, MongoUserName

# Built-in roles by what they allow: readonly users get only read roles, app users no administrative ones.
MONGO_READ_ROLES = frozenset({"read", "readAnyDatabase", "clusterMonitor"})
MONGO_ADMIN_ROLES = frozenset({
    "root", "__system", "userAdmin", "userAdminAnyDatabase", "dbOwner", "dbAdminAnyDatabase", "clusterAdmin",
    "clusterManager", "hostManager", "readWriteAnyDatabase", "restore", "backup", "enableSharding",
    "directShardOperations",
})


def _grant_db(value: str) -> str:
    # A grant may name a role of another database, including admin (clusterMonitor, ...), but not 'local'.
    from roles.mongodb.names import MONGO_DATABASE

    if not MONGO_DATABASE.match(value) or value in ("local", "config"):
        raise ValueError("not a database a role can be granted on; fix: name a declared database or admin")
    return value


class MongoRoleGrant(Strict):
    role: MongoRoleName
    db: Annotated[str, AfterValidator(_grant_db)] | None = Field(default=None, description="database of the role; defaults to the user's database")


class MongoUser(Strict):
    name: MongoUserName
    password: SecretRef = GENERATE
    access: Access = Field(description="what the user is for: admin, app (least privilege) or readonly")
    roles: list[MongoRoleName | MongoRoleGrant] = Field(min_length=1, max_length=64)

    @model_validator(mode="after")
    def _roles_fit_access(self):
        names = [r if isinstance(r, str) else r.role for r in self.roles]
        if self.access in ("app", "readonly"):
            admin = [n for n in names if n in MONGO_ADMIN_ROLES]
            if admin:
                raise ValueError(f"user {self.name} is {self.access} but is granted the administrative role {admin[0]!r}; "
                                 "fix: grant readWrite/read (or set access: admin)")
        if self.access == "readonly":
            # Custom roles are checked against their privileges when the schema file is read.
            write = [n for n in names if n in ("readWrite", "dbAdmin", "readWriteAnyDatabase")]
            if write:
                raise ValueError(f"user {self.name} is readonly but is granted the write role {write[0]!r}; "
                                 "fix: grant read (or set access: app)")
        return self

    def grants(self, database: str) -> list[MongoRoleGrant]:
        return [MongoRoleGrant(role=r, db=database) if isinstance(r, str) else r for r in self.roles]


def _schema_path(value: Path) -> Path:
    # Only a YAML file may be named: an error about any other file could print a line of it (/etc/shadow).
    if str(value) in ("", ".") or value.suffix not in (".yaml", ".yml") or ".." in value.parts:
        raise ValueError("a schema is a .yaml file; fix: name the file, e.g. migrations/mongodb/<db>/schema.yaml")
    return value


class MongoDatabase(Strict):
    schema_file: Annotated[Path, AfterValidator(_schema_path), SpecRelative()] | None = Field(
        default=None, alias="schema", description="declarative schema (collections, indexes, seeds), relative to the spec file"
    )
    users: list[MongoUser] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_users(self):
        names = [u.name for u in self.users]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"user {dupes[0]!r} is declared twice; fix: remove one")
        return self


class MongoExternal(Strict):
    """A MongoDB datastack does not provision (Atlas, a server run by another team): a URI or a seed list."""

    uri: Reference | None = Field(default=None, description="mongodb:// or mongodb+srv:// URI, by reference (it may "
                                                             "hold credentials; the section's admin logs in)")
    hosts: list[HostPort] = Field(default_factory=list, max_length=50, description="seed list: host:port of members")
    replica_set: ReplicaSetName | None = Field(default=None, description="the set name, with a seed list")

    @model_validator(mode="after")
    def _uri_or_seed_list(self):
        if (self.uri is None) == (not self.hosts):
            raise ValueError("give either uri (a reference) or hosts (a seed list); fix: keep exactly one of them")
        if self.uri is not None and self.replica_set is not None:
            raise ValueError("replica_set goes with hosts, not uri; fix: put replicaSet=NAME in the URI")
        if len(self.hosts) > 1 and self.replica_set is None:
            raise ValueError("a seed list of several hosts needs the set's name; fix: add replica_set: NAME")
        return self


# What only describes a server datastack runs: refused beside `external:` rather than silently ignored.
MONGO_PROVISIONED_FIELDS = ("version", "topology", "members", "replica_set_name", "port", "bind",
                            "wiredtiger_cache_gb", "keyfile")


class MongoSpec(MayBeExternal):
    section_key = "mongodb"
    provisioned_fields = MONGO_PROVISIONED_FIELDS

    version: Version = Field(default="7.0", description="MongoDB server version (image tag for containers)")
    topology: Literal["replica_set", "standalone"] = "replica_set"
    members: int = Field(default=3, ge=1, le=7, description="replica set members, on consecutive ports")
    replica_set_name: ReplicaSetName = "rs0"
    port: Port = 27017
    bind: BindAddress = "127.0.0.1"
    auth: Literal[True] = Field(default=True, description="authentication is always on")
    admin: Credential = Credential(name="admin")
    # Bounded: by default each mongod takes half of (RAM - 1 GB), and three members on one host would overcommit it.
    wiredtiger_cache_gb: float = Field(default=0.5, ge=0.25, le=1024,
                                       description="WiredTiger cache per member in GB (storage.wiredTiger.engineConfig.cacheSizeGB)")
    keyfile: SecretRef = Field(default=GENERATE, description="replica set keyFile content (internal member auth)")
    databases: dict[MongoDatabaseName, MongoDatabase] = Field(default_factory=dict)
    tls: TlsSpec | None = Field(default=None, description="serve TLS only (net.tls.mode requireTLS), from these files or generated ones")
    external: MongoExternal | None = Field(default=None, description="a server datastack does not provision: "
                                                                      "migrated and checked, never started or stopped")

    @model_validator(mode="after")
    def _member_ports_fit(self):
        check_port_range(self.port, self.members, f"{self.members} members from port {self.port}")
        return self

    @model_validator(mode="after")
    def _admin_name(self):
        try:
            check_name(self.admin.name, MONGO_USER, "MongoDB user name",
                       "1-64 characters: letters, digits, _ . - (starting with a letter)", MONGO_RESERVED_USERS)
        except ValueError as exc:
            raise ValueError(f"admin.name: {exc}") from None
        return self

    @model_validator(mode="after")
    def _standalone_has_one_member(self):
        if self.topology == "standalone" and self.members != 1:
            raise ValueError("a standalone MongoDB has exactly one member; fix: set members: 1 or topology: replica_set")
        return self

    @property
    def ports(self) -> list[int]:
        return [self.port + i for i in range(self.members)]

    def declared_ports(self) -> list[tuple[str, int]]:
        if self.external is not None:
            return []  # nothing listens here
        return [(f"mongodb member {i}", p) for i, p in enumerate(self.ports)]

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
        refs += self.external_uri_refs()
        if self.external is None and self.topology == "replica_set":
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
