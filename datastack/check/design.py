"""The environment's declared design for reports: collections and their indexes, critical queries,
references and users per store. Names and roles only: no password or secret reference ever enters it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..spec import EnvironmentSpec


@dataclass
class CollectionDesign:
    name: str
    kind: str  # collection | capped | time-series
    indexes: list[str]


@dataclass
class MongoDatabaseDesign:
    name: str
    collections: list[CollectionDesign] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


@dataclass
class Design:
    mongo_databases: list[MongoDatabaseDesign] = field(default_factory=list)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (store, user, access and roles)


def declared_design(spec: EnvironmentSpec) -> Design:
    design = Design()
    s = spec.services
    if s.mongodb:
        from roles.mongodb.reconcile.schema_file import load_schemas

        for db_name, schema in load_schemas(spec).items():
            db = MongoDatabaseDesign(db_name)
            for name, coll in schema.collections.items():
                kind = "capped" if coll.capped else "time-series" if coll.timeseries else "collection"
                indexes = [f"{ix.name} {dict(ix.keys)}{' ' + str(ix.options()) if ix.options() else ''}" for ix in coll.indexes]
                db.collections.append(CollectionDesign(name, kind, indexes))
            db.queries = [f"{q.name} → {' or '.join(q.indexes)}" for q in schema.queries]
            db.references = [f"{r.name} (sample {r.sample}, {r.time_budget_ms} ms)" for r in schema.references]
            design.mongo_databases.append(db)
        for db_name, d in s.mongodb.databases.items():
            design.users += [("mongodb", f"{db_name}.{u.name}", f"{u.access}: {', '.join(g.role for g in u.grants(db_name))}")
                             for u in d.users]
    if s.postgres:
        for db_name, d in s.postgres.databases.items():
            design.users += [("postgres", f"{db_name}.{u.name}", u.access) for u in d.users]
    if s.redis:
        design.users += [("redis", u.name, f"{u.access}: keys {' '.join(u.keys)}; {' '.join(u.commands)}") for u in s.redis.users]
    return design
