"""What `datastack plan` shows of the MongoDB design: per database, each collection with its indexes and options."""

from __future__ import annotations

import json
from typing import Any

from datastack.spec import EnvironmentSpec


def mongodb_plan_design(spec: EnvironmentSpec) -> dict[str, Any]:
    from .reconcile.schema_file import load_schemas

    return {"databases": {name: {"collections": {coll: _collection(c) for coll, c in schema.collections.items()},
                                 "seeded": sorted(schema.seeds)}
                          for name, schema in load_schemas(spec).items()}}


def _collection(coll) -> dict[str, Any]:
    summary: dict[str, Any] = {"indexes": [_index(i) for i in coll.indexes]}
    if coll.capped:
        summary["capped"] = coll.capped.model_dump(exclude_none=True)
    if coll.timeseries:
        summary["timeseries"] = coll.timeseries.model_dump(exclude_none=True)
    if coll.expireAfterSeconds is not None:
        summary["expire_after_seconds"] = coll.expireAfterSeconds
    if coll.validator:
        schema = coll.validator.get("$jsonSchema", {})
        summary["validator"] = {"required": list(schema.get("required", [])), "properties": len(schema.get("properties", {})),
                                "level": coll.validationLevel, "action": coll.validationAction}
    return summary


def _index(index) -> str:
    """`email_1 {email: 1} unique` — the name, keys in order, and each option MongoDB stores."""
    keys = ", ".join(f"{field}: {direction}" for field, direction in index.keys.items())
    return " ".join([index.name, "{" + keys + "}", *(_option(name, value) for name, value in index.options().items())])


def _option(name: str, value: Any) -> str:
    if name == "expireAfterSeconds":
        return f"ttl {_duration(value)}"
    return name if value is True else f"{name}={json.dumps(value, sort_keys=True, default=str)}"


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
