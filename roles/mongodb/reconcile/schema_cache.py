"""Parsed schema files kept as JSON under `<state root>/.cache/mongodb-schemas/`, by a hash of the file's bytes.

A 1,000-collection schema takes ~0.5 s to parse as YAML (libyaml's parser, but Python's resolver and
constructor) and to scan for control characters, in every command; json.loads reads the same data in
milliseconds. An entry is written only after the file passed every check of the strict loader and the
model, and only when the model survives the JSON round trip unchanged (dates, say, would not), so a hit
reads exactly what the YAML would give. The model validates the cached data again on every hit; an entry
that does not is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from pydantic import ValidationError

from datastack.paths import state_root
from datastack.spec.safe_yaml import MAX_BYTES

from .schema import DatabaseSchema

FORMAT = 1  # bump when DatabaseSchema changes shape: old entries stop matching


def content_digest(path: Path) -> str | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    return hashlib.sha256(f"mongodb-schema {FORMAT}\0".encode() + data).hexdigest()


def cache_file(digest: str) -> Path:
    return state_root() / ".cache" / "mongodb-schemas" / f"{digest}.json"


def load_cached(digest: str) -> DatabaseSchema | None:
    try:
        return DatabaseSchema.model_validate(json.loads(cache_file(digest).read_text()))
    except (OSError, ValueError, ValidationError):
        return None


def save(digest: str, schema: DatabaseSchema) -> None:
    """Best effort and atomic; skipped when JSON cannot hold the schema faithfully. 0644: no secrets in schemas."""
    data = schema.model_dump(mode="python", by_alias=True, exclude_unset=True)
    try:
        text = json.dumps(data, sort_keys=False)
        if DatabaseSchema.model_validate(json.loads(text)) != schema:
            return
    except (TypeError, ValueError, ValidationError):
        return
    path = cache_file(digest)
    try:
        path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(text)
        temporary.chmod(0o644)
        os.replace(temporary, path)
    except OSError:
        pass
