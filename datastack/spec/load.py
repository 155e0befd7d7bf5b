"""Read an environment YAML file into an `EnvironmentSpec`, or fail with one line for a person."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import UserError
from ..paths import PROJECT_ROOT, display, environment_file
from .environment import EnvironmentSpec

# Checks that need more than one model (files that must exist, schemas that must parse).
# Each takes (spec, spec_path) and raises UserError; store packages append theirs.
M = TypeVar("M", bound=BaseModel)

CrossCheck = Callable[[EnvironmentSpec, Path], None]
CROSS_CHECKS: list[CrossCheck] = []


def resolve_spec_path(env: str | None, spec: Path | None) -> Path:
    if spec is not None and env is not None:
        raise UserError("give --env or --spec, not both", fix="drop one of the two flags")
    if spec is not None:
        return spec
    if env is None:
        raise UserError("no environment given", fix="pass --env NAME (a file in environments/) or --spec FILE")
    path = environment_file(env)
    if not path.exists():
        known = sorted(p.stem for p in path.parent.glob("*.yaml"))
        raise UserError(f"environment {env!r} not found", where=display(path), fix=f"use one of: {', '.join(known)}")
    return path


def load_environment(env: str | None = None, spec: Path | None = None) -> tuple[EnvironmentSpec, Path]:
    path = resolve_spec_path(env, spec)
    model = load_spec_file(path)
    for check in CROSS_CHECKS:
        check(model, path)
    return model, path


def load_spec_file(path: Path) -> EnvironmentSpec:
    return load_yaml_model(path, EnvironmentSpec, kind="spec", start_hint="start the file with 'name: <env>'")


def load_yaml_model(path: Path, model: type[M], *, kind: str, start_hint: str, empty_ok: bool = False) -> M:
    """Read a YAML file into a pydantic model; every problem is one line naming the file and the field."""
    where = display(path)
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise UserError(f"cannot read {kind} ({exc.strerror})", where=where, fix="create it or correct the path") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else where
        problem = getattr(exc, "problem", None) or "malformed YAML"
        raise UserError(f"malformed YAML: {problem}", where=at, fix="fix the YAML syntax at that line") from None
    if data is None and empty_ok:
        data = {}
    if not isinstance(data, dict):
        raise UserError(f"the {kind} must be a YAML mapping", where=where, fix=start_hint)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        what, fix = describe_validation_error(exc, model)
        raise UserError(what, where=where, fix=fix) from None


def describe_validation_error(exc: ValidationError, model: type[BaseModel]) -> tuple[str, str]:
    """Turn pydantic's first error into 'file: path.to.field: problem — fix: ...'."""
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        parent, _, key = loc.rpartition(".")
        allowed = allowed_keys(model, err["loc"][:-1])
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(sorted(allowed))}"
        return f"{loc}: unknown key {key!r}", hint
    elif kind == "missing":
        return f"{loc}: required field is missing", "add it"
    else:
        msg = err["msg"].removeprefix("Value error, ")
        got = err.get("input")
        # Never echo what was typed into a password field: it may be the secret itself.
        echo = not (isinstance(got, (dict, list)) or got is None or "password" in loc)
        shown = f" (got {got!r})" if echo else ""
        what, _, fix = msg.partition("; fix: ")
        return f"{loc or 'spec'}: {what}{shown}", fix or "correct this field"


def allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Walk the model along `loc` to list the keys valid at that place (for did-you-mean)."""
    current: object = model
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if fields is None:
            return []
        if isinstance(part, int) or part not in {f.alias or n for n, f in fields.items()}:
            continue  # list index or dict key: stay on the item model
        name = next(n for n, f in fields.items() if (f.alias or n) == part)
        current = _inner_model(fields[name].annotation)
    fields = getattr(current, "model_fields", {})
    return [f.alias or n for n, f in fields.items()]


def _inner_model(annotation) -> object:
    from typing import get_args

    stack = [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
        stack.extend(get_args(t))
    return None


def check_referenced_paths(spec: EnvironmentSpec, path: Path) -> None:
    """Schema and Alembic directories named by the spec must exist before anything runs."""
    where = display(path)
    s = spec.services
    refs = []
    if s.mongodb:
        refs += [(f"services.mongodb.databases.{d}.schema", db.schema_file) for d, db in s.mongodb.databases.items()]
    if s.postgres:
        refs += [(f"services.postgres.databases.{d}.alembic", db.alembic) for d, db in s.postgres.databases.items()]
    for field, ref in refs:
        if ref is not None and not (PROJECT_ROOT / ref).exists():
            raise UserError(f"{field}: {ref} does not exist", where=where, fix="create it or correct the path")


CROSS_CHECKS.append(check_referenced_paths)


def check_declared_services(spec: EnvironmentSpec, path: Path) -> None:
    """Each declared service's own load-time checks (schema files parse, Alembic directories have one head, ...)."""
    from ..services import declared_services

    for service in declared_services(spec):
        if service.check_spec is not None:
            service.check_spec(spec, path)


CROSS_CHECKS.append(check_declared_services)
