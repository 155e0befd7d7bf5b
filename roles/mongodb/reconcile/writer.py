"""Every write the reconciler makes, in one place, with the write concern the topology needs.

On a replica set each command carries `writeConcern: majority` and index builds wait for
`commitQuorum: majority`, so a finished migrate survives a failover. A single node takes the defaults.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .live import FINGERPRINTS
from .passwords import fingerprint
from .schema import IndexSpec


class Writer:
    def __init__(self, client, database: str, *, replica_set: bool):
        from pymongo import WriteConcern

        self.database = database
        self.replica_set = replica_set
        concern = WriteConcern("majority") if replica_set else WriteConcern()
        self.db = client.get_database(database, write_concern=concern)
        self.admin = client.get_database("admin", write_concern=concern)

    def _command(self, name: str, value: Any, **fields: Any) -> dict:
        # Database.command ignores the database's write concern: pass it explicitly.
        if self.replica_set:
            fields["writeConcern"] = {"w": "majority"}
        return self.db.command(name, value, **fields)

    # collections
    def create_collection(self, name: str, options: dict[str, Any]) -> None:
        from pymongo.errors import CollectionInvalid, OperationFailure

        try:
            self._command("create", name, **options)
        except (CollectionInvalid, OperationFailure) as exc:
            if getattr(exc, "code", None) != 48:  # NamespaceExists: made by a run that was killed after it
                raise

    def coll_mod(self, name: str, **changes: Any) -> None:
        self._command("collMod", name, **changes)

    # indexes
    def create_indexes(self, collection: str, indexes: tuple[IndexSpec, ...]) -> None:
        extra = {"commitQuorum": "majority"} if self.replica_set else {}
        self._command("createIndexes", collection, indexes=[ix.create_document() for ix in indexes], **extra)

    def drop_index(self, collection: str, name: str) -> None:
        self._command("dropIndexes", collection, index=name)

    def rebuild_index(self, collection: str, live_name: str, index: IndexSpec) -> None:
        self.drop_index(collection, live_name)
        self.create_indexes(collection, (index,))

    # roles and users
    def create_role(self, name: str, privileges: list, roles: list) -> None:
        self._command("createRole", name, privileges=privileges, roles=roles)

    def update_role(self, name: str, privileges: list, roles: list) -> None:
        self._command("updateRole", name, privileges=privileges, roles=roles)

    def drop_role(self, name: str) -> None:
        self._command("dropRole", name)

    def create_user(self, name: str, password: str, roles: list) -> None:
        from pymongo.errors import OperationFailure

        try:
            self._command("createUser", name, pwd=password, roles=roles, mechanisms=["SCRAM-SHA-256"])
        except OperationFailure as exc:
            if exc.code != 51003:  # UserAlreadyExists: a killed run got this far
                raise
            self._command("updateUser", name, pwd=password, roles=roles)
        self._remember_password(name, password)

    def update_user_roles(self, name: str, roles: list) -> None:
        self._command("updateUser", name, roles=roles)

    def update_user_password(self, name: str, password: str) -> None:
        self._command("updateUser", name, pwd=password, mechanisms=["SCRAM-SHA-256"])
        self._remember_password(name, password)

    def drop_user(self, name: str) -> None:
        self._command("dropUser", name)
        self.admin[FINGERPRINTS].delete_one({"_id": f"{self.database}.{name}"})

    def _remember_password(self, user: str, password: str) -> None:
        record = {"database": self.database, "user": user, **fingerprint(password), "updated_at": datetime.now(UTC)}
        self.admin[FINGERPRINTS].replace_one({"_id": f"{self.database}.{user}"}, record, upsert=True)

    # seeds
    def upsert_seeds(self, collection: str, batch: list[tuple[dict[str, Any], list[str] | None]]) -> None:
        """Every seed document of one collection in one ordered bulk write."""
        from pymongo import UpdateOne

        self.db[collection].bulk_write([UpdateOne({"_id": doc["_id"]}, _seed_update(doc, managed), upsert=True)
                                        for doc, managed in batch], ordered=True)


def _seed_update(document: dict[str, Any], managed: list[str] | None) -> dict[str, Any]:
    managed = [k for k in document if k != "_id"] if managed is None else managed
    # $set only the managed fields: fields a data migration or an operator set are left alone; the seed's
    # other fields are initial values, written when the document is created.
    update = {"$set": {k: document[k] for k in managed},
              "$setOnInsert": {k: v for k, v in document.items() if k != "_id" and k not in managed}}
    return {op: fields for op, fields in update.items() if fields} or {"$setOnInsert": {"_id": document["_id"]}}
