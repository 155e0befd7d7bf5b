"""MongoDB in `datastack diff`: collections with their options and validators, indexes, users and their roles, custom
roles, per declared database."""

from __future__ import annotations

from typing import Any

from datastack.diff.compare import Difference, keyed
from datastack.errors import RuntimeFailure
from .login import mongo_login, mongo_uri

INDEX_NOISE = {"v", "ns", "key", "name"}


def mongodb_snapshot(spec, endpoints, secrets) -> dict[str, Any]:
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    from roles.mongodb.reconcile.live import plain

    client = MongoClient(mongo_uri(endpoints, mongo_login(spec, secrets)), appname="datastack-diff")
    try:
        found: dict[str, Any] = {}
        for name in spec.services.mongodb.databases:
            db = client[name]
            collections = {}
            for info in db.list_collections():
                if info["name"].startswith(("system.", "_datastack")):
                    continue
                indexes = {} if info.get("type") == "view" else {
                    ix["name"]: {"key": list(plain(ix["key"]).items()), **{k: plain(v) for k, v in ix.items() if k not in INDEX_NOISE}}
                    for ix in db[info["name"]].list_indexes()}
                collections[info["name"]] = {"type": info.get("type", "collection"), "options": plain(info.get("options", {})),
                                             "indexes": indexes}
            users = db.command("usersInfo")["users"]
            roles = db.command("rolesInfo", showPrivileges=True)["roles"]
            found[name] = {
                "collections": collections,
                "users": {u["user"]: sorted(f"{r['role']}@{r['db']}" for r in u.get("roles", [])) for u in users},
                "roles": {r["role"]: plain(r.get("privileges", [])) for r in roles if not r.get("isBuiltin")},
            }
        return found
    except PyMongoError as exc:
        raise RuntimeFailure(f"mongodb of {spec.name}: {str(exc).splitlines()[0][:200]}", fix=f"is it up? 'datastack status {spec.selector}'") from None
    finally:
        client.close()


def compare_mongodb(a: dict, b: dict, out: list[Difference]) -> None:
    def database(name: str, da: dict, db: dict) -> None:
        def collection(coll: str, ca: dict, cb: dict) -> None:
            keyed("mongodb", f"{name}.{coll}", ca["options"], cb["options"], " option", out)
            keyed("mongodb", f"{name}.{coll}", ca["indexes"], cb["indexes"], " index", out)

        keyed("mongodb", f"{name}", da["collections"], db["collections"], " collection", out, collection)
        keyed("mongodb", f"{name}", da["users"], db["users"], " user", out)
        keyed("mongodb", f"{name}", da["roles"], db["roles"], " role", out)

    keyed("mongodb", "", a, b, "database", out, database)
