"""What a MongoDB schema declares beyond its collections: critical queries and references.

A critical query is a filter (with optional sort and projection) the application runs often enough that
it must use a named index; `check` explains it (queryPlanner, a read) and fails on any other plan.
A reference says that a field holds the `_id` (or a uniquely indexed field) of another collection;
`check` samples the newest documents and counts orphans, within a declared sample size and time budget.

Values are plain YAML scalars, lists and operator documents from a short list: the explain command is
built from these typed values only, never from text.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

FIELD_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
QUERY_OPERATORS = frozenset({"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists"})
Scalar = str | int | float | bool | None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _check_value(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for op, inner in value.items():
            if op not in QUERY_OPERATORS:
                raise ValueError(f"{where}: operator {op!r} is not allowed; fix: use one of {', '.join(sorted(QUERY_OPERATORS))}")
            _check_value(inner, f"{where}.{op}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)):
                raise ValueError(f"{where}[{i}]: nested documents are not allowed here; fix: use scalar values")
    elif not isinstance(value, (str, int, float, bool)) and value is not None:
        raise ValueError(f"{where}: {type(value).__name__} values are not allowed; fix: use a string, number, boolean or null")


def _field_name(field: str, where: str) -> None:
    if not FIELD_PATH.match(field):
        raise ValueError(f"{where}: {field!r} is not a field path; fix: use letters, digits, _ and dots (no $ operators at the top)")


class CriticalQuery(_Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="how failures name the query, e.g. positions_by_user_and_symbol")
    collection: str
    filter: dict[str, Any] = Field(min_length=1, description="field -> value or {$op: value}; values are only placeholders")
    sort: dict[str, Literal[1, -1]] = Field(default_factory=dict)
    projection: dict[str, Literal[0, 1]] | None = None
    index: str | list[str] = Field(description="the index the plan must use, or a list when several serve it equally well")

    @property
    def indexes(self) -> list[str]:
        return [self.index] if isinstance(self.index, str) else list(self.index)

    @field_validator("filter")
    @classmethod
    def _typed_filter(cls, value: dict[str, Any]) -> dict[str, Any]:
        for field, condition in value.items():
            _field_name(field, "filter")
            _check_value(condition, f"filter.{field}")
        return value

    @field_validator("sort", "projection")
    @classmethod
    def _field_names(cls, value: dict | None) -> dict | None:
        for field in value or {}:
            _field_name(field, "sort or projection")
        return value

    def fields(self) -> list[tuple[str, str]]:
        """(part, field) for every field the query names: filter, sort, projection."""
        named = [("filter", f) for f in self.filter] + [("sort", f) for f in self.sort]
        return named + [("projection", f) for f in (self.projection or {})]

    def explain_command(self) -> dict[str, Any]:
        find: dict[str, Any] = {"find": self.collection, "filter": dict(self.filter)}
        if self.sort:
            find["sort"] = dict(self.sort)
        if self.projection:
            find["projection"] = dict(self.projection)
        return find


class ReferenceSpec(_Model):
    source: str = Field(alias="from", description="collection.field holding the reference, e.g. trades.user_id")
    to: str = Field(description="collection.field referenced, e.g. users._id (must be indexed)")
    sample: int = Field(default=1000, description="newest documents of the referencing collection examined per run")
    time_budget_ms: int = Field(default=2000, gt=0, description="the whole count must finish within this")
    show: int = Field(default=5, ge=1, le=50, description="orphan ids named in a failure")

    @field_validator("sample")
    @classmethod
    def _positive_sample(cls, value: int) -> int:
        if value < 1:
            raise ValueError("sample must be at least 1; fix: give the number of newest documents to examine, e.g. 1000")
        return value

    @field_validator("source", "to")
    @classmethod
    def _dotted(cls, value: str) -> str:
        collection, _, field = value.partition(".")
        if not collection or not FIELD_PATH.match(field or ""):
            raise ValueError("must be collection.field; fix: write it like trades.user_id")
        return value

    @property
    def name(self) -> str:
        return f"{self.source} -> {self.to}"

    @property
    def source_collection(self) -> str:
        return self.source.partition(".")[0]

    @property
    def source_field(self) -> str:
        return self.source.partition(".")[2]

    @property
    def target_collection(self) -> str:
        return self.to.partition(".")[0]

    @property
    def target_field(self) -> str:
        return self.to.partition(".")[2]


def declared_fields(collection) -> set[str]:
    """Fields a collection declares: validator properties, index keys, time-series fields, and _id."""
    fields = {"_id"}
    if collection.validator:
        fields |= set(collection.validator["$jsonSchema"].get("properties", {}))
    for index in collection.indexes:
        fields |= set(index.keys)
    if collection.timeseries:
        fields |= {collection.timeseries.timeField, collection.timeseries.metaField} - {None}
    return fields


def _top(field: str) -> str:
    return field.split(".", 1)[0]


def integrity_problems(schema) -> list[tuple[str, str, str]]:
    """(field path in the schema file, what is wrong, fix) for queries and references that name undeclared things."""
    problems: list[tuple[str, str, str]] = []
    names = [q.name for q in schema.queries]
    for i, query in enumerate(schema.queries):
        at = f"queries[{i}]"
        if names.count(query.name) > 1:
            problems.append((f"{at}.name", f"query {query.name!r} is declared twice", "give each query its own name"))
        collection = schema.collections.get(query.collection)
        if collection is None:
            problems.append((f"{at}.collection", f"query {query.name!r} names collection {query.collection!r}, which is not declared",
                             "declare it under collections: or correct the name"))
            continue
        known = declared_fields(collection)
        for part, field in query.fields():
            if field not in known and _top(field) not in known:
                problems.append((f"{at}.{part}.{field}", f"query {query.name!r} names field {field!r}, which {query.collection} does not declare",
                                 "declare it in the collection's validator or an index, or correct the name"))
        for expected in query.indexes or [""]:
            if not any(ix.name == expected for ix in collection.indexes):
                problems.append((f"{at}.index", f"query {query.name!r} expects index {expected!r}, which is not declared on {query.collection}",
                                 f"use one of: {', '.join(ix.name for ix in collection.indexes) or 'none declared'}"))
    for i, ref in enumerate(schema.references):
        at = f"references[{i}]"
        for key, coll_name, field in (("from", ref.source_collection, ref.source_field), ("to", ref.target_collection, ref.target_field)):
            collection = schema.collections.get(coll_name)
            if collection is None:
                problems.append((f"{at}.{key}", f"reference {ref.name} names collection {coll_name!r}, which is not declared",
                                 "declare it under collections: or correct the name"))
            elif field not in declared_fields(collection):
                problems.append((f"{at}.{key}", f"reference {ref.name} names field {field!r}, which {coll_name} does not declare",
                                 "declare it in the collection's validator or an index, or correct the name"))
            elif key == "to" and field != "_id" and not any(list(ix.keys)[0] == field and ix.unique for ix in collection.indexes):
                problems.append((f"{at}.to", f"reference {ref.name} points at {field!r}, which no unique index of {coll_name} starts with",
                                 "point it at _id or at a field with a unique index (the orphan count must be index-backed)"))
    return problems
