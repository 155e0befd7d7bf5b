"""Read what a MongoDB database holds right now, in as few round trips as the server allows.

One listCollections (with options) per database, one listIndexes per declared collection that
exists, one usersInfo, one rolesInfo, one find per seeded collection, one for password fingerprints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .schema import DatabaseSchema

FINGERPRINTS = "_datastack_users"  # in the admin database: only administrators can read it


@dataclass
class LiveCollection:
    name: str
    kind: str  # "collection" | "timeseries" | "view"
    options: dict[str, Any]
    indexes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LiveUser:
    name: str
    roles: set[tuple[str, str]]  # (role, db)


@dataclass
class LiveRole:
    name: str
    privileges: list[dict[str, Any]]
    roles: set[tuple[str, str]]


@dataclass
class LiveState:
    collections: dict[str, LiveCollection]
    users: dict[str, LiveUser]
    roles: dict[str, LiveRole]
    seeds: dict[str, dict[Any, dict[str, Any]]]  # collection -> _id -> document
    fingerprints: dict[str, dict[str, Any]]  # user -> {salt, sha256}


def plain(value: Any) -> Any:
    """SON and BSON numbers as plain Python, so declared and live values compare with ==."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_live_state(client, database: str, schema: DatabaseSchema) -> LiveState:
    db = client[database]
    collections = _read_collections(db)
    for name in schema.collections:
        if name in collections and collections[name].kind != "view":
            collections[name].indexes = [plain(ix) for ix in db[name].list_indexes()]
    return LiveState(
        collections=collections,
        users=_read_users(db),
        roles=_read_roles(db),
        seeds=_read_seeds(db, schema, collections),
        fingerprints=_read_fingerprints(client, database),
    )


def _read_collections(db) -> dict[str, LiveCollection]:
    found = {}
    for info in db.list_collections():
        name = info["name"]
        if name.startswith("system."):
            continue  # time-series buckets and server internals
        found[name] = LiveCollection(name=name, kind=info.get("type", "collection"), options=plain(info.get("options", {})))
    return found


def _read_users(db) -> dict[str, LiveUser]:
    reply = db.command("usersInfo", 1)
    return {
        u["user"]: LiveUser(name=u["user"], roles={(r["role"], r["db"]) for r in u.get("roles", [])})
        for u in reply.get("users", [])
    }


def _read_roles(db) -> dict[str, LiveRole]:
    reply = db.command("rolesInfo", 1, showPrivileges=True)
    return {
        r["role"]: LiveRole(
            name=r["role"],
            privileges=plain(r.get("privileges", [])),
            roles={(i["role"], i["db"]) for i in r.get("roles", [])},
        )
        for r in reply.get("roles", [])
        if not r.get("isBuiltin")
    }


def _read_seeds(db, schema: DatabaseSchema, collections: dict[str, LiveCollection]) -> dict[str, dict[Any, dict]]:
    seeds: dict[str, dict[Any, dict]] = {}
    for name, docs in schema.seeds.items():
        if name not in collections:
            seeds[name] = {}
            continue
        ids = [d["_id"] for d in docs]
        seeds[name] = {d["_id"]: plain(d) for d in db[name].find({"_id": {"$in": ids}})}
    return seeds


def _read_fingerprints(client, database: str) -> dict[str, dict[str, Any]]:
    docs = client.admin[FINGERPRINTS].find({"database": database})
    return {d["user"]: d for d in docs}
