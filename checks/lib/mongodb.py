"""MongoDB live state for the checks, and its comparison with the declared schema.

Comparisons reuse the migrator's own (`roles.mongodb.reconcile.compare`), so `check` and `migrate`
can never disagree about what counts as drift. Messages name the database, collection, index and
option, then the value found against the value declared.
"""

from __future__ import annotations

from typing import Any

from datastack.credentials import Login

from .target import Target

SCRATCH = "_datastack_check_scratch"  # write probes only; dropped after each run
WRITE_ACTIONS = {"insert", "update", "remove", "createCollection", "dropCollection", "createIndex", "dropIndex",
                 "dropDatabase", "createUser", "dropUser", "grantRole", "collMod", "renameCollectionSameDB"}

# Built-in roles that grant writes; checked by role too, since some servers (the stand-in) list no privileges.
WRITING_ROLES = {"readWrite", "dbAdmin", "dbOwner", "userAdmin", "root", "readWriteAnyDatabase", "dbAdminAnyDatabase",
                 "userAdminAnyDatabase", "restore", "clusterAdmin", "__system"}


def reader_login(target: Target, database: str) -> Login:
    """The administrator, or in read-only mode the database's readonly user."""
    if not target.read_only:
        return target.mongo()
    mongo = target.spec.services.mongodb
    user = next((u for u in mongo.databases[database].users if u.access == "readonly"), None)
    if user is None:
        import pytest

        pytest.skip(f"read-only mode: database {database} declares no readonly user to read it with")
    return target.mongo(user.name)


def live_collections(connections, target: Target, database: str) -> dict[str, Any]:
    """name -> LiveCollection with its indexes, read once per run."""
    def read():
        from roles.mongodb.reconcile.live import LiveCollection, plain

        db = connections.mongo(reader_login(target, database))[database]
        found = {}
        for info in db.list_collections():
            if info["name"].startswith("system."):
                continue
            found[info["name"]] = LiveCollection(info["name"], info.get("type", "collection"), plain(info.get("options", {})))
        for live in found.values():
            if live.kind != "view":
                live.indexes = [plain(ix) for ix in db[live.name].list_indexes()]
        return found

    return connections.memo(("mongodb", "collections", database), read)


def collection_problems(database: str, name: str, declared, live) -> list[str]:
    from roles.mongodb.reconcile.compare import shape_differences, validator_differences

    where = f"{database}.{name}"
    if live is None:
        return [f"{where}: collection missing"]
    problems = []
    for field in validator_differences(declared, live):
        if field == "validator":
            if not live.options.get("validator"):
                problems.append(f"{where}: validator missing (declared $jsonSchema)")
            elif declared.validator is None:
                problems.append(f"{where}: validator present but none is declared")
            else:
                problems.append(f"{where}: validator differs from the declared $jsonSchema")
        else:
            default = "strict" if field == "validationLevel" else "error"
            problems.append(f"{where}: {field} {live.options.get(field, default)} != declared {getattr(declared, field)}")
    problems += [f"{where}: {p}" for p in shape_differences(declared, live)]
    if declared.timeseries:
        have = live.options.get("expireAfterSeconds")
        if have != declared.expireAfterSeconds:
            problems.append(f"{where}: expireAfterSeconds {have} != declared {declared.expireAfterSeconds}")
    return problems


def index_problems(database: str, collection: str, declared, live_collection) -> tuple[list[str], bool]:
    """(problems, fixed_by_plain_migrate): what differs for one declared index."""
    from roles.mongodb.reconcile.compare import COLLMOD_INDEX_OPTIONS, option_differences, same_keys

    where = f"{database}.{collection}"
    if live_collection is None:
        return [f"{where}: collection missing, so index {declared.name} is missing"], True
    indexes = [ix for ix in live_collection.indexes if ix["name"] != "_id_"]
    by_name = next((ix for ix in indexes if ix["name"] == declared.name), None)
    same = [ix for ix in indexes if same_keys(declared, ix)]
    if by_name is None and not same:
        return [f"{where}: index {declared.name} missing"], True
    if by_name is not None and not same_keys(declared, by_name):
        return [f"{where}.{declared.name}: keys {by_name['key']} != declared {dict(declared.keys)}"], False
    live = by_name or same[0]
    problems = []
    if live["name"] != declared.name:
        problems.append(f"{where}: index {declared.name} exists as {live['name']}")
    diffs = option_differences(declared, live)
    for option, (want, have) in diffs.items():
        problems.append(f"{where}.{declared.name}: {option} {_shown(have)} != declared {_shown(want)}")
    return problems, set(diffs) <= COLLMOD_INDEX_OPTIONS and live["name"] == declared.name


def undeclared_indexes(database: str, collection: str, declared, live_collection) -> list[str]:
    from roles.mongodb.reconcile.compare import is_implicit_index, same_keys

    if live_collection is None:
        return []
    extra = []
    for ix in live_collection.indexes:
        if is_implicit_index(ix, live_collection):
            continue
        if any(d.name == ix["name"] or same_keys(d, ix) for d in declared.indexes):
            continue
        extra.append(f"{database}.{collection}: index {ix['name']} {ix['key']} is not declared")
    return extra


def _shown(value) -> str:
    return "absent" if value is None else str(value)
