"""Bounded orphan counting for a declared MongoDB reference (collection.field -> collection._id).

Reads the `sample` newest documents of the referencing collection (walking the _id index backwards),
then looks their distinct values up in the referenced collection with one `$in` on an index (_id or a
unique index, enforced when the schema is loaded). Every query carries maxTimeMS from one shared budget:
the whole count costs at most `time_budget_ms` of server time however large the collections are.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

MISSING = object()


@dataclass
class OrphanCount:
    examined: int
    orphans: list[tuple[Any, Any]] = field(default_factory=list)  # (document _id, dangling value)
    elapsed_ms: float = 0.0


class BudgetExceeded(Exception):
    pass


def _value_at(document: dict, path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


def count_orphans(db, ref) -> OrphanCount:
    from pymongo.errors import ExecutionTimeout

    started = time.monotonic()

    def remaining_ms() -> int:
        left = ref.time_budget_ms - (time.monotonic() - started) * 1000
        if left <= 0:
            raise BudgetExceeded()
        return max(1, int(left))

    try:
        newest = list(db[ref.source_collection].find({}, {ref.source_field: 1}).sort("_id", -1)
                      .limit(ref.sample).max_time_ms(remaining_ms()))
        values = {}
        for doc in newest:
            value = _value_at(doc, ref.source_field)
            if value is not MISSING and value is not None and not isinstance(value, (dict, list)):
                values.setdefault(repr(value), value)
        found = set()
        if values:
            cursor = db[ref.target_collection].find({ref.target_field: {"$in": list(values.values())}},
                                                    {ref.target_field: 1}).max_time_ms(remaining_ms())
            found = {repr(_value_at(d, ref.target_field)) for d in cursor}
    except ExecutionTimeout:
        raise BudgetExceeded() from None
    result = OrphanCount(examined=len(newest), elapsed_ms=(time.monotonic() - started) * 1000)
    for doc in newest:
        value = _value_at(doc, ref.source_field)
        if value is not MISSING and value is not None and repr(value) not in found:
            result.orphans.append((doc["_id"], value))
    if result.elapsed_ms > ref.time_budget_ms:
        raise BudgetExceeded()
    return result
