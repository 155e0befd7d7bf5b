"""Paths written in a spec file are relative to that file's directory, not to where datastack runs.

A spec model marks such a field with `SpecRelative()` in its `Annotated[...]`; the loader finds every marked
place by walking the models (no list of services here) and makes each relative value absolute against the
directory of the file that states it. Models built in memory (tests, `model_validate`) keep the old meaning:
a relative path is relative to the project (`datastack.paths.PROJECT_ROOT`).
"""

from __future__ import annotations

import os
import types
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

ANY_KEY = "*"  # every key of a mapping
EACH = "[]"  # every item of a list


@dataclass(frozen=True)
class SpecRelative:
    """Marks a path field as relative to its spec file. `allow_parent=False`: a value with `..` is left as written,
    so the field's own validator refuses it (state_dir never climbs)."""

    allow_parent: bool = True


Pattern = tuple[tuple[str, ...], SpecRelative]


def path_patterns(model: type[BaseModel]) -> tuple[Pattern, ...]:
    """Every place in `model` (and the spec models of registered services) that holds a spec-relative path."""
    found: list[Pattern] = []
    _walk_model(model, (), found, seen=frozenset())
    if hasattr(model, "model_fields") and "services" in model.model_fields:
        found += _registered_service_patterns(model)
    return tuple(found)


def _registered_service_patterns(model) -> list[Pattern]:
    from ..services import registered_services

    services_model = model.model_fields["services"].annotation
    built_in = set(services_model.model_fields) if isinstance(services_model, type) else set()
    found: list[Pattern] = []
    for service in registered_services():
        key = service.spec_key or service.name
        if service.spec_model is not None and key not in built_in:
            _walk_model(service.spec_model, ("services", key), found, seen=frozenset())
    return found


def _walk_model(model: type[BaseModel], at: tuple[str, ...], found: list[Pattern], seen: frozenset) -> None:
    if model in seen:
        return
    for name, field in model.model_fields.items():
        key = field.alias or name
        marker = next((m for m in field.metadata if isinstance(m, SpecRelative)), None)
        _walk_type(field.annotation, (*at, key), found, seen | {model}, marker)


def _walk_type(annotation: Any, at: tuple[str, ...], found: list[Pattern], seen: frozenset, marker=None) -> None:
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *metadata = get_args(annotation)
        marker = marker or next((m for m in metadata if isinstance(m, SpecRelative)), None)
        _walk_type(inner, at, found, seen, marker)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        _walk_model(annotation, at, found, seen)
    elif origin in (dict,):
        _walk_type(get_args(annotation)[1], (*at, ANY_KEY), found, seen)
    elif origin in (list, tuple):
        for arg in get_args(annotation):
            _walk_type(arg, (*at, EACH), found, seen)
    elif origin is Union or isinstance(annotation, types.UnionType):
        for arg in get_args(annotation):
            _walk_type(arg, at, found, seen, marker)
    elif marker is not None and annotation in (Path, PurePosixPath, str):
        found.append((at, marker))


def absolutize_paths(document: dict, base_dir: Path) -> dict:
    """A copy of a raw spec document with every marked relative path made absolute against `base_dir`."""
    from .environment import EnvironmentSpec

    result = _copy(document)
    for pattern, marker in path_patterns(EnvironmentSpec):
        _rewrite(result, pattern, base_dir, marker)
    return result


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _rewrite(node: Any, pattern: tuple[str, ...], base_dir: Path, marker: SpecRelative) -> None:
    head, rest = pattern[0], pattern[1:]
    if head == EACH:
        children = list(enumerate(node)) if isinstance(node, list) else []
    elif head == ANY_KEY:
        children = list(node.items()) if isinstance(node, dict) else []
    else:
        children = [(head, node[head])] if isinstance(node, dict) and head in node else []
    for key, child in children:
        if rest:
            _rewrite(child, rest, base_dir, marker)
        elif isinstance(child, str):
            node[key] = _absolute(child, base_dir, marker)


def _absolute(value: str, base_dir: Path, marker: SpecRelative) -> str:
    # Left as written: absolute, home-relative, empty (the validators say why), or climbing where that is refused.
    if value in ("", ".") or value.startswith(("/", "~")):
        return value
    if not marker.allow_parent and ".." in PurePosixPath(value).parts:
        return value
    return os.path.normpath(base_dir / value)
