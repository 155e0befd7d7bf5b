"""The commands that apply a datastack schema file, as JSON a plain script or a migrate-mongo migration can replay.

Built from datastack's own model (create options, index documents, seed updates), so every tool in the
benchmark creates exactly the same collections, validators, indexes, seed documents and users.
"""

from __future__ import annotations

import json
from pathlib import Path

from roles.mongodb.reconcile.schema_file import load_database_schema
from roles.mongodb.reconcile.writer import _seed_update

USERS = (("admin", ["dbOwner", "readWrite"]), ("app", ["readWrite"]), ("readonly", ["read"]))


def apply_document(schema_file: Path, database: str, password: str) -> dict:
    schema = load_database_schema(schema_file)
    return {
        "collections": [{"name": name, "options": spec.create_options(),
                         "indexes": [ix.create_document() for ix in spec.indexes]}
                        for name, spec in schema.collections.items()],
        "seeds": [{"collection": name, "documents": [{"filter": {"_id": doc["_id"]},
                                                      "update": _seed_update(doc, schema.managed_fields(name, doc))}
                                                     for doc in docs]}
                  for name, docs in schema.seeds.items()],
        "users": [{"name": f"{database}_{access}", "pwd": password, "roles": roles} for access, roles in USERS],
    }


def write_apply_document(path: Path, schema_file: Path, database: str, password: str) -> Path:
    path.write_text(json.dumps(apply_document(schema_file, database, password), default=str))
    path.chmod(0o600)  # holds the benchmark users' throwaway password
    return path
