"""Declared critical queries, seed documents and references, as check parameters (one check each)."""

from __future__ import annotations

from typing import Any

from .target import Target


def _schemas(target: Target) -> dict:
    from roles.mongodb.reconcile.schema_file import load_schemas

    return load_schemas(target.spec) if target.spec.services.mongodb else {}


def _mongo_queries(target: Target) -> list[tuple[str, Any]]:
    return [(f"{db}.{q.name}", (db, q)) for db, schema in _schemas(target).items() for q in schema.queries]


def _mongo_seeds(target: Target) -> list[tuple[str, Any]]:
    return [(f"{db}.{coll}.{doc['_id']}", (db, coll, doc, schema.managed_fields(coll, doc)))
            for db, schema in _schemas(target).items() for coll, docs in schema.seeds.items() for doc in docs]


def _mongo_references(target: Target) -> list[tuple[str, Any]]:
    return [(f"{db}.{ref.source}", (db, ref)) for db, schema in _schemas(target).items() for ref in schema.references]


def _postgres_queries(target: Target) -> list[tuple[str, Any]]:
    from roles.postgres.reconcile.critical_queries import load_declared_queries

    pg = target.spec.services.postgres
    if pg is None:
        return []
    return [(f"{db}.{q.name}", (db, q)) for db, queries in load_declared_queries(pg).items() for q in queries]


INTEGRITY_PARAMETERS = {
    "mongo_query": _mongo_queries,
    "mongo_seed": _mongo_seeds,
    "mongo_reference": _mongo_references,
    "postgres_query": _postgres_queries,
}
