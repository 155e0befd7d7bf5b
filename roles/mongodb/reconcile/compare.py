"""Option-by-option comparison of a declared index or collection with what listIndexes/listCollections show."""

from __future__ import annotations

from typing import Any

from .live import LiveCollection, plain
from .schema import CollectionSpec, IndexSpec

# Index fields the server adds or that carry no meaning for us.
IGNORED_INDEX_FIELDS = {"v", "ns", "key", "name", "background", "2dsphereIndexVersion", "textIndexVersion"}
# Options collMod changes in place; every other difference needs a rebuild.
COLLMOD_INDEX_OPTIONS = {"expireAfterSeconds", "hidden"}
COLLATION_SERVER_FIELDS = {"version"}


def live_index_options(live: dict[str, Any]) -> dict[str, Any]:
    """The options of a listIndexes entry, without server fields or false booleans (MongoDB's defaults)."""
    return {k: plain(v) for k, v in live.items() if k not in IGNORED_INDEX_FIELDS and v is not False}


def same_keys(declared: IndexSpec, live: dict[str, Any]) -> bool:
    return list(plain(declared.keys).items()) == list(plain(live["key"]).items())


def option_differences(declared: IndexSpec, live: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """option -> (declared, live) for every option that differs."""
    want = plain(declared.options())
    have = live_index_options(live)
    diffs = {}
    for option in sorted(set(want) | set(have)):
        a, b = want.get(option), have.get(option)
        if option == "collation" and a is not None and b is not None:
            # mongod spells out every collation field; the declared ones must match.
            if all(b.get(k) == v for k, v in a.items() if k not in COLLATION_SERVER_FIELDS):
                continue
        if a != b:
            diffs[option] = (a, b)
    return diffs


def is_implicit_index(live: dict[str, Any], collection: LiveCollection) -> bool:
    """Indexes the server makes by itself: `_id_`, and the {meta, time} index of a time-series collection."""
    if live.get("name") == "_id_":
        return True
    ts = collection.options.get("timeseries")
    if ts and ts.get("metaField"):
        return list(plain(live["key"]).items()) == [(ts["metaField"], 1), (ts["timeField"], 1)]
    return False


def validator_differences(declared: CollectionSpec, live: LiveCollection) -> list[str]:
    """Differences collMod can repair: validator, validationLevel, validationAction."""
    opts = live.options
    want_validator = plain(declared.validator) if declared.validator else None
    have_validator = opts.get("validator") or None
    diffs = []
    if want_validator != have_validator:
        diffs.append("validator")
    if want_validator is not None or have_validator is not None:
        if opts.get("validationLevel", "strict") != declared.validationLevel:
            diffs.append("validationLevel")
        if opts.get("validationAction", "error") != declared.validationAction:
            diffs.append("validationAction")
    return diffs


def shape_differences(declared: CollectionSpec, live: LiveCollection) -> list[str]:
    """Differences no collMod repairs (capped, time-series layout): reported as drift only."""
    opts = live.options
    diffs = []
    want_capped = {"size": declared.capped.size, "max": declared.capped.max} if declared.capped else None
    have_capped = {"size": opts.get("size"), "max": opts.get("max") or None} if opts.get("capped") else None
    if want_capped != have_capped:
        diffs.append(f"capped: declared {want_capped}, live {have_capped}")
    want_ts = declared.timeseries.model_dump(exclude_none=True) if declared.timeseries else None
    have_ts = opts.get("timeseries")
    if have_ts is not None:
        have_ts = {k: v for k, v in have_ts.items() if k in ("timeField", "metaField", "granularity")}
    if want_ts != have_ts:
        diffs.append(f"timeseries: declared {want_ts}, live {have_ts}")
    return diffs
