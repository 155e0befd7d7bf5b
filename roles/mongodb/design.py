"""MongoDB in the report's design: each database's collections and indexes, critical queries, references, users."""

from __future__ import annotations

from datastack.check.design import CollectionDesign, DatabaseDesign, Design
from datastack.spec import EnvironmentSpec


def mongodb_design(spec: EnvironmentSpec, design: Design) -> None:
    from .reconcile.schema_file import load_schemas

    for db_name, schema in load_schemas(spec).items():
        db = DatabaseDesign(f"MongoDB {db_name}")
        for name, coll in schema.collections.items():
            kind = "capped" if coll.capped else "time-series" if coll.timeseries else "collection"
            indexes = [f"{ix.name} {dict(ix.keys)}{' ' + str(ix.options()) if ix.options() else ''}" for ix in coll.indexes]
            db.collections.append(CollectionDesign(name, kind, indexes))
        db.queries = [f"{q.name} → {' or '.join(q.indexes)}" for q in schema.queries]
        db.references = [f"{r.name} (sample {r.sample}, {r.time_budget_ms} ms)" for r in schema.references]
        design.databases.append(db)
    for db_name, d in spec.services.mongodb.databases.items():
        design.users += [("mongodb", f"{db_name}.{u.name}", f"{u.access}: {', '.join(g.role for g in u.grants(db_name))}")
                         for u in d.users]
