"""Check a `$jsonSchema` the way MongoDB will: its own keyword set, not full JSON Schema.

MongoDB implements draft 4 minus a few keywords (`format`, `$ref`, `default`, ...), adds
`bsonType`, and rejects `type: integer`. Catching that at spec load beats a failed `collMod`.
"""

from __future__ import annotations

import re
from typing import Any

BSON_TYPES = frozenset({
    "double", "string", "object", "array", "binData", "undefined", "objectId", "bool", "date", "null",
    "regex", "dbPointer", "javascript", "symbol", "javascriptWithScope", "int", "timestamp", "long",
    "decimal", "minKey", "maxKey", "number",
})
JSON_TYPES = frozenset({"object", "array", "number", "boolean", "string", "null"})

# keyword -> what its value must be
SCHEMA = "schema"
SCHEMA_LIST = "schema list"
SCHEMA_MAP = "schema map"
KEYWORDS: dict[str, str] = {
    "bsonType": "types", "type": "types", "enum": "non-empty list", "required": "string list",
    "properties": SCHEMA_MAP, "patternProperties": SCHEMA_MAP, "additionalProperties": "bool or schema",
    "minProperties": "count", "maxProperties": "count", "dependencies": "dependencies",
    "items": "schema or schema list", "additionalItems": "bool or schema", "minItems": "count", "maxItems": "count",
    "uniqueItems": "bool", "minLength": "count", "maxLength": "count", "pattern": "regex",
    "minimum": "number", "maximum": "number", "exclusiveMinimum": "bool", "exclusiveMaximum": "bool",
    "multipleOf": "positive number", "allOf": SCHEMA_LIST, "anyOf": SCHEMA_LIST, "oneOf": SCHEMA_LIST, "not": SCHEMA,
    "title": "string", "description": "string",
}
UNSUPPORTED_HINTS = {
    "format": "use 'pattern' instead",
    "$ref": "inline the referenced schema",
    "$schema": "remove it",
    "definitions": "inline the definitions",
    "default": "remove it (MongoDB validators do not fill defaults)",
    "id": "remove it",
    "const": "use 'enum' with one value",
}


def check_json_schema(node: Any, path: str) -> None:
    """Raise ValueError('<path>: problem; fix: ...') for the first thing MongoDB would refuse."""
    if not isinstance(node, dict):
        raise ValueError(f"{path}: a schema must be a mapping; fix: write it as {{bsonType: ..., ...}}")
    if "type" in node and "bsonType" in node:
        raise ValueError(f"{path}: both 'type' and 'bsonType'; fix: keep only bsonType")
    for keyword, value in node.items():
        where = f"{path}.{keyword}"
        kind = KEYWORDS.get(keyword)
        if kind is None:
            hint = UNSUPPORTED_HINTS.get(keyword, f"allowed keywords: {', '.join(sorted(KEYWORDS))}")
            raise ValueError(f"{where}: MongoDB's $jsonSchema has no keyword {keyword!r}; fix: {hint}")
        _check_value(keyword, kind, value, where)


def _check_value(keyword: str, kind: str, value: Any, where: str) -> None:
    if kind == "types":
        allowed = BSON_TYPES if keyword == "bsonType" else JSON_TYPES
        names = value if isinstance(value, list) else [value]
        for name in names:
            if name not in allowed:
                hint = "use bsonType: int or long" if name == "integer" else f"use one of: {', '.join(sorted(allowed))}"
                raise ValueError(f"{where}: {name!r} is not a {keyword} MongoDB knows; fix: {hint}")
    elif kind == SCHEMA:
        check_json_schema(value, where)
    elif kind == SCHEMA_LIST:
        _expect(isinstance(value, list) and value, where, "a non-empty list of schemas")
        for i, item in enumerate(value):
            check_json_schema(item, f"{where}[{i}]")
    elif kind == SCHEMA_MAP:
        _expect(isinstance(value, dict), where, "a mapping of field name to schema")
        for name, item in value.items():
            check_json_schema(item, f"{where}.{name}")
    elif kind == "bool or schema":
        if not isinstance(value, bool):
            check_json_schema(value, where)
    elif kind == "schema or schema list":
        if isinstance(value, list):
            for i, item in enumerate(value):
                check_json_schema(item, f"{where}[{i}]")
        else:
            check_json_schema(value, where)
    elif kind == "dependencies":
        _expect(isinstance(value, dict), where, "a mapping")
        for name, item in value.items():
            if isinstance(item, list):
                _expect(all(isinstance(s, str) for s in item), f"{where}.{name}", "a list of field names")
            else:
                check_json_schema(item, f"{where}.{name}")
    elif kind == "non-empty list":
        _expect(isinstance(value, list) and value, where, "a non-empty list")
    elif kind == "string list":
        _expect(isinstance(value, list) and value and all(isinstance(s, str) for s in value), where,
                "a non-empty list of field names")
        _expect(len(set(value)) == len(value), where, "a list without repeated names")
    elif kind == "count":
        _expect(isinstance(value, int) and not isinstance(value, bool) and value >= 0, where, "a whole number >= 0")
    elif kind in ("number", "positive number"):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        _expect(ok and (kind == "number" or value > 0), where, f"a {kind}")
    elif kind == "bool":
        _expect(isinstance(value, bool), where, "true or false")
    elif kind == "string":
        _expect(isinstance(value, str), where, "a string")
    elif kind == "regex":
        _expect(isinstance(value, str), where, "a regular expression string")
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"{where}: invalid regular expression ({exc}); fix: correct the pattern") from None


def _expect(ok: Any, where: str, what: str) -> None:
    if not ok:
        raise ValueError(f"{where}: must be {what}; fix: correct this value")
