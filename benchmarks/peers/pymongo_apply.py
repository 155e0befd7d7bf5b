"""A plain pymongo script applying a schema: what a team writes by hand instead of a migrator.

    python pymongo_apply.py URI DATABASE APPLY.json

Idempotent the simple way: one listCollections, create what is missing, createIndexes for every
collection every time (the server ignores identical ones), upsert each seed, create missing users.
No drift detection, no ledger, no lock.
"""

import json
import sys

from pymongo import MongoClient


def main(uri: str, database: str, document_file: str) -> None:
    with open(document_file) as fh:
        document = json.load(fh)
    client = MongoClient(uri)
    try:
        db = client[database]
        existing = set(db.list_collection_names())
        for collection in document["collections"]:
            if collection["name"] not in existing:
                db.command("create", collection["name"], **collection["options"])
            if collection["indexes"]:
                db.command("createIndexes", collection["name"], indexes=collection["indexes"])
        for seeds in document["seeds"]:
            for seed in seeds["documents"]:
                db[seeds["collection"]].update_one(seed["filter"], seed["update"], upsert=True)
        users = {u["user"] for u in db.command("usersInfo")["users"]}
        for user in document["users"]:
            if user["name"] not in users:
                db.command("createUser", user["name"], pwd=user["pwd"], roles=user["roles"])
    finally:
        client.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
