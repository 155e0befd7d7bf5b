"""The declarative schema of one MongoDB database: collections, validators, indexes, roles, seeds.

Option names are MongoDB's own (`expireAfterSeconds`, `partialFilterExpression`, ...) so a
definition reads like the `createIndexes` / `create` command it becomes.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from datastack.spec.validators import check_name, operator_key, plain_id_problem
from roles.mongodb.names import MONGO_ROLE
from .integrity import CriticalQuery, ReferenceSpec
from .json_schema import check_json_schema

# Actions that only read: a role made of these may be granted to a readonly user.
READ_ACTIONS = frozenset({
    "find", "listCollections", "listIndexes", "collStats", "dbStats", "dbHash", "listDatabases", "killCursors",
    "changeStream", "planCacheRead", "indexStats",
})

# Index key directions we can compare faithfully through listIndexes ("text" is rewritten by the server).
KEY_DIRECTIONS = (1, -1, "2d", "2dsphere", "hashed")


class SchemaModel(BaseModel):
    """Unknown keys fail: a misspelt option must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class IndexSpec(SchemaModel):
    name: str = Field(min_length=1, description="index name; the reconciler matches by keys and options, not only by name")
    keys: dict[str, int | str] = Field(min_length=1, description="field -> 1 | -1 | 2dsphere | hashed, in order")
    unique: bool = False
    sparse: bool = False
    partialFilterExpression: dict[str, Any] | None = None
    expireAfterSeconds: int | None = Field(default=None, ge=0, description="TTL in seconds (single-field indexes only)")
    collation: dict[str, Any] | None = None
    hidden: bool = False

    @field_validator("keys")
    @classmethod
    def _directions(cls, keys: dict[str, int | str]) -> dict[str, int | str]:
        for field, direction in keys.items():
            if direction not in KEY_DIRECTIONS:
                raise ValueError(
                    f"key {field!r} has direction {direction!r}; fix: use one of 1, -1, 2d, 2dsphere, hashed"
                )
        return keys

    @model_validator(mode="after")
    def _ttl_single_field(self):
        if self.expireAfterSeconds is not None and len(self.keys) > 1:
            raise ValueError(
                f"index {self.name!r}: expireAfterSeconds on a compound index; fix: TTL indexes take exactly one date field"
            )
        return self

    def options(self) -> dict[str, Any]:
        """The options MongoDB stores for this index, without defaults (as listIndexes shows them)."""
        opts: dict[str, Any] = {}
        for flag in ("unique", "sparse", "hidden"):
            if getattr(self, flag):
                opts[flag] = True
        for name in ("partialFilterExpression", "expireAfterSeconds", "collation"):
            value = getattr(self, name)
            if value is not None:
                opts[name] = value
        return opts

    def create_document(self) -> dict[str, Any]:
        """The entry for a `createIndexes` command."""
        return {"key": dict(self.keys), "name": self.name, **self.options()}


class CappedSpec(SchemaModel):
    size: int = Field(gt=0, description="maximum size in bytes")
    max: int | None = Field(default=None, gt=0, description="maximum number of documents")


class TimeseriesSpec(SchemaModel):
    timeField: str
    metaField: str | None = None
    granularity: Literal["seconds", "minutes", "hours"] = "seconds"


class CollectionSpec(SchemaModel):
    validator: dict[str, Any] | None = Field(default=None, description="{$jsonSchema: {...}}")
    validationLevel: Literal["off", "strict", "moderate"] = "strict"
    validationAction: Literal["error", "warn"] = "error"
    capped: CappedSpec | None = None
    timeseries: TimeseriesSpec | None = None
    expireAfterSeconds: int | None = Field(default=None, ge=0, description="time-series expiry in seconds")
    indexes: list[IndexSpec] = Field(default_factory=list)

    @field_validator("validator")
    @classmethod
    def _json_schema_only(cls, validator: dict[str, Any] | None) -> dict[str, Any] | None:
        if validator is None:
            return None
        if set(validator) != {"$jsonSchema"}:
            raise ValueError("a validator must be {$jsonSchema: {...}}; fix: put the schema under $jsonSchema")
        check_json_schema(validator["$jsonSchema"], "$jsonSchema")
        return validator

    @model_validator(mode="after")
    def _collection_kind(self):
        if self.capped and self.timeseries:
            raise ValueError("capped together with timeseries; fix: a collection is either capped or time-series, remove one")
        if self.expireAfterSeconds is not None and not self.timeseries:
            raise ValueError("expireAfterSeconds on a collection needs timeseries; fix: use a TTL index instead")
        if self.timeseries and self.validator:
            raise ValueError("time-series collections take no validator; fix: remove validator")
        return self

    @model_validator(mode="after")
    def _index_names_unique(self):
        seen: dict[str, IndexSpec] = {}
        for index in self.indexes:
            other = seen.get(index.name)
            if other is not None:
                if list(other.keys.items()) != list(index.keys.items()):
                    raise ValueError(
                        f"two indexes named {index.name!r} with different keys; fix: give each index its own name"
                    )
                raise ValueError(f"index {index.name!r} is declared twice; fix: remove one")
            seen[index.name] = index
        return self

    def create_options(self) -> dict[str, Any]:
        """Options for the `create` command."""
        opts: dict[str, Any] = {}
        if self.validator:
            opts.update(validator=self.validator, validationLevel=self.validationLevel, validationAction=self.validationAction)
        if self.capped:
            opts.update(capped=True, size=self.capped.size)
            if self.capped.max:
                opts["max"] = self.capped.max
        if self.timeseries:
            opts["timeseries"] = self.timeseries.model_dump(exclude_none=True)
        if self.expireAfterSeconds is not None:
            opts["expireAfterSeconds"] = self.expireAfterSeconds
        return opts


class PrivilegeSpec(SchemaModel):
    collection: str = Field(default="", description="collection name; empty for every collection of the database")
    actions: list[str] = Field(min_length=1)


class RoleSpec(SchemaModel):
    name: str
    privileges: list[PrivilegeSpec] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list, description="roles inherited from this database")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_name(value, MONGO_ROLE, "MongoDB role name", "1-64 characters: letters, digits, _ . - "
                          "(starting with a letter)")

    def writes(self) -> str | None:
        """The first action of this role that does more than read, or None."""
        return next((a for p in self.privileges for a in p.actions if a not in READ_ACTIONS), None)


class DatabaseSchema(SchemaModel):
    collections: dict[str, CollectionSpec] = Field(default_factory=dict)
    roles: list[RoleSpec] = Field(default_factory=list)
    seeds: dict[str, list[dict[str, Any]]] = Field(
        default_factory=dict, description="collection -> documents, upserted by _id (declared fields are enforced)"
    )
    managed_seed_fields: dict[str, list[str]] = Field(
        default_factory=dict, description="collection -> the seed fields migrate enforces and check compares; "
        "a collection not listed has every declared field managed; the others are only written on insert")
    queries: list[CriticalQuery] = Field(default_factory=list, description="critical queries and the index each must use")
    references: list[ReferenceSpec] = Field(default_factory=list, description="collection.field -> collection._id")

    @field_validator("collections")
    @classmethod
    def _collection_names(cls, collections: dict[str, CollectionSpec]) -> dict[str, CollectionSpec]:
        for name in collections:
            if name.startswith("system.") or name.startswith("_datastack") or "$" in name:
                raise ValueError(f"collection name {name!r} is reserved; fix: rename it")
        return collections

    @model_validator(mode="after")
    def _seeds_have_ids(self):
        for collection, docs in self.seeds.items():
            if collection not in self.collections:
                raise ValueError(f"seeds for {collection!r}, which is not declared; fix: declare it under collections")
            ids = []
            for i, doc in enumerate(docs):
                if "_id" not in doc:
                    raise ValueError(f"seeds.{collection}[{i}] has no _id; fix: seed documents are upserted by _id, add one")
                problem = plain_id_problem(doc["_id"])
                if problem:
                    # The _id becomes the upsert filter: {$ne: null} would match (and overwrite) any document.
                    raise ValueError(f"seeds.{collection}[{i}]._id is not a plain value; fix: {problem}")
                operator = operator_key(doc)
                if operator:
                    where = ".".join(str(p) for p in operator)
                    raise ValueError(f"seeds.{collection}[{i}].{where} is an operator, not data; "
                                     "fix: seed documents hold plain data (no key starts with $)")
                ids.append(repr(doc["_id"]))
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"seeds.{collection}: _id {dupes[0]} appears twice; fix: remove one")
        return self

    @model_validator(mode="after")
    def _managed_fields_declared(self):
        for collection, fields in self.managed_seed_fields.items():
            if collection not in self.seeds:
                raise ValueError(f"managed_seed_fields.{collection}: no seeds are declared for it; fix: remove it or add seeds")
            declared = {k for doc in self.seeds[collection] for k in doc}
            for field in fields:
                if field not in declared or field == "_id":
                    raise ValueError(f"managed_seed_fields.{collection}: {field!r} is in none of its seed documents; "
                                     "fix: correct the name or remove it")
        return self

    def managed_fields(self, collection: str, document: dict[str, Any]) -> list[str]:
        """The fields of one seed document that migrate enforces and check compares."""
        fields = [k for k in document if k != "_id"]
        listed = self.managed_seed_fields.get(collection)
        return fields if listed is None else [k for k in fields if k in listed]

    @model_validator(mode="after")
    def _role_names_unique(self):
        names = [r.name for r in self.roles]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"role {dupes[0]!r} is declared twice; fix: remove one")
        return self

    def role(self, name: str) -> RoleSpec | None:
        return next((r for r in self.roles if r.name == name), None)
