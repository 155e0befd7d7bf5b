"""Read schema files named by the environment spec, and check them against its users at spec load.

Kept free of pymongo so `load_environment` stays fast: everything here is YAML and pydantic.
"""

from __future__ import annotations

from pathlib import Path

from datastack.errors import UserError
from datastack.paths import PROJECT_ROOT, display
from datastack.spec import EnvironmentSpec
from datastack.spec.load import load_yaml_model
from . import schema_cache
from .integrity import integrity_problems
from .schema import DatabaseSchema

# Every role MongoDB defines itself; anything else must be declared in a schema file.
BUILTIN_ROLES = frozenset({
    "read", "readWrite", "dbAdmin", "dbOwner", "userAdmin", "clusterAdmin", "clusterManager", "clusterMonitor",
    "hostManager", "backup", "restore", "readAnyDatabase", "readWriteAnyDatabase", "userAdminAnyDatabase",
    "dbAdminAnyDatabase", "root", "enableSharding", "directShardOperations",
})


def schema_path(ref: Path) -> Path:
    return ref if ref.is_absolute() else PROJECT_ROOT / ref


# One parse per file per process: spec load, migrate and each check module all ask for the same schema.
# Keyed by the file's identity and mtime, so an edited file is read again; the models are frozen.
_parsed: dict[tuple, DatabaseSchema] = {}


def load_database_schema(path: Path) -> DatabaseSchema:
    """Parse one schema file; any problem is one line naming the file and the path inside it."""
    try:
        stat = Path(path).stat()
        key = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = None  # load_yaml_model says what is wrong with the path
    if key is not None and key in _parsed:
        return _parsed[key]
    digest = schema_cache.content_digest(path)
    schema = schema_cache.load_cached(digest) if digest else None
    if schema is None:
        schema = load_yaml_model(path, DatabaseSchema, kind="schema", start_hint="start it with 'collections:'", empty_ok=True)
        if digest:
            schema_cache.save(digest, schema)
    if key is not None:
        _parsed[key] = schema
    return schema


def load_schemas(spec: EnvironmentSpec) -> dict[str, DatabaseSchema]:
    """database name -> its schema (an empty schema when the spec names none)."""
    mongo = spec.services.mongodb
    if mongo is None:
        return {}
    return {
        name: load_database_schema(schema_path(db.schema_file)) if db.schema_file else DatabaseSchema()
        for name, db in mongo.databases.items()
    }


def check_schemas(spec: EnvironmentSpec, spec_path: Path) -> None:
    """CROSS_CHECK: schema files parse, and every granted role is built in or declared."""
    mongo = spec.services.mongodb
    if mongo is None:
        return
    schemas = load_schemas(spec)
    for db_name, db in mongo.databases.items():
        for i, user in enumerate(db.users):
            for j, grant in enumerate(user.grants(db_name)):
                custom = schemas[grant.db or db_name].role(grant.role) if (grant.db or db_name) in schemas else None
                if user.access == "readonly" and custom is not None and custom.writes():
                    raise UserError(
                        f"services.mongodb.databases.{db_name}.users[{i}].roles[{j}]: readonly user {user.name!r} is "
                        f"granted role {grant.role!r}, whose action {custom.writes()!r} is not read-only",
                        where=display(spec_path),
                        fix="grant read (or a role of read actions only), or set access: app",
                    )
                if not _role_known(grant.role, grant.db or db_name, schemas):
                    raise UserError(
                        f"services.mongodb.databases.{db_name}.users[{i}].roles[{j}]: user {user.name!r} is granted "
                        f"role {grant.role!r}, which is neither built in nor declared",
                        where=display(spec_path),
                        fix=f"declare it under roles: in {_schema_name(mongo, grant.db or db_name)} or use a built-in role "
                            "(read, readWrite, dbAdmin, dbOwner, ...)",
                    )
        schema = schemas[db_name]
        for field, what, fix in integrity_problems(schema):
            raise UserError(f"{field}: {what}", where=display(schema_path(db.schema_file)), fix=fix)
        for i, role in enumerate(schema.roles):
            for j, inherited in enumerate(role.roles):
                if not _role_known(inherited, db_name, schemas):
                    raise UserError(
                        f"roles[{i}].roles[{j}]: role {role.name!r} inherits {inherited!r}, which is neither built in nor declared",
                        where=display(schema_path(db.schema_file)),
                        fix="declare that role too, or use a built-in role",
                    )


def _role_known(role: str, db: str, schemas: dict[str, DatabaseSchema]) -> bool:
    return role in BUILTIN_ROLES or (db in schemas and schemas[db].role(role) is not None)


def _schema_name(mongo, target_db: str) -> str:
    db = mongo.databases.get(target_db)
    return display(db.schema_file) if db and db.schema_file else f"a schema file for database {target_db}"
