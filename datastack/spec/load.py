"""Read an environment YAML file into an `EnvironmentSpec`, or fail with one line for a person."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import UserError
from ..paths import PROJECT_ROOT, display, environment_file
from .environment import EnvironmentSpec, is_environment_name

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
    if not is_environment_name(env):  # a name, never a path out of environments/
        raise UserError(f"--env: {env[:60]!r} is not an environment name",
                        fix="give a name from environments/ (lower-case letters, digits, '-'), or --spec FILE")
    path = environment_file(env)
    if not path.exists():
        known = sorted(p.stem for p in path.parent.glob("*.yaml"))
        raise UserError(f"environment {env!r} not found", where=display(path), fix=f"use one of: {', '.join(known)}")
    return path


def load_environment(env: str | None = None, spec: Path | None = None, *,
                     expired_certificates_ok: bool = False) -> tuple[EnvironmentSpec, Path]:
    """`expired_certificates_ok`: the command deploys nothing (check, status, down, ...), so a given certificate
    that expired does not stop it."""
    path = resolve_spec_path(env, spec)
    model = load_spec_file(path, expired_certificates_ok=expired_certificates_ok)
    for check in CROSS_CHECKS:
        check(model, path)
    return model, path


def load_spec_file(path: Path, *, expired_certificates_ok: bool = False) -> EnvironmentSpec:
    """The environment file, merged over the bases it extends (overlays.py), validated as one spec."""
    from .overlays import read_environment_document

    bases: list[Path] = []
    document = read_environment_document(path, bases)
    # A merged value may come from a base: name them, so the reader knows where to look.
    where = display(path) + (f" (with {', '.join(display(b) for b in bases)})" if bases else "")
    from .tls import EXPIRED_OK

    spec = validate_model(document, EnvironmentSpec, where=where, kind="spec",
                          context={EXPIRED_OK: True} if expired_certificates_ok else None)
    spec._source_file = Path(path).resolve()
    return spec


def load_yaml_model(path: Path, model: type[M], *, kind: str, start_hint: str, empty_ok: bool = False) -> M:
    """Read a YAML file into a pydantic model; every problem is one line naming the file and the field."""
    from .overlays import read_mapping

    data = read_mapping(path, kind=kind, start_hint=start_hint, empty_ok=empty_ok)
    return validate_model(data, model, where=display(path), kind=kind)


def validate_model(data: dict, model: type[M], *, where: str, kind: str, context: dict | None = None) -> M:
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        what, fix = describe_validation_error(exc, model)
        raise UserError(what, where=where, fix=fix) from None
    except RecursionError:
        raise UserError(f"the {kind} nests too deep", where=where, fix="flatten it") from None


def describe_validation_error(exc: ValidationError, model: type[BaseModel]) -> tuple[str, str]:
    """Turn pydantic's first error into 'file: path.to.field: problem — fix: ...'."""
    err = exc.errors()[0]
    loc = ".".join(_part(p) for p in err["loc"] if not _internal(p))
    kind = err["type"]
    if kind == "extra_forbidden":
        parent, _, key = loc.rpartition(".")
        allowed = allowed_keys(model, err["loc"][:-1])
        close = difflib.get_close_matches(str(key), allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(sorted(allowed))}"
        return f"{loc}: unknown key {_short(key)}", hint
    elif kind == "missing":
        return f"{loc}: required field is missing", "add it"
    else:
        msg = err["msg"].removeprefix("Value error, ")
        got = err.get("input")
        # Never echo what was typed into a secret field (a password, a keyFile): it may be the secret itself.
        secret = any(word in loc.lower() for word in SECRET_FIELDS) or "secret must be a reference" in msg
        echo = not (isinstance(got, (dict, list)) or got is None or secret)
        shown = f" (got {_short(got)})" if echo else ""
        what, _, fix = msg.partition("; fix: ")
        return f"{loc or 'spec'}: {what}{shown}", fix or "correct this field"


SECRET_FIELDS = ("password", "keyfile", "secret", "token")


def _short(value: object) -> str:
    """A typed value for an error line: repr, cut to 60 characters so a 100,000-character name stays one line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _internal(part: object) -> bool:
    """pydantic's own steps in a location (dict keys, union branches, validators), not the user's field names."""
    return isinstance(part, str) and (part in ("[key]", "str", "int", "float", "bool")
                                      or part.startswith(("function-", "json-or-python", "lax-or-strict")))


def _part(part: object) -> str:
    text = str(part)
    return text if len(text) <= 60 else text[:57] + "..."


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
    """Files and directories the spec names (schemas, migration scripts) must exist before anything runs."""
    from ..services import declared_services

    where = display(path)
    kinds = {"file": Path.is_file, "directory": Path.is_dir}
    refs = [(field, ref, kinds[kind], f"a {kind}") for service in declared_services(spec) if service.referenced_paths
            for field, ref, kind in service.referenced_paths(spec)]
    for field, ref, right_kind, kind in refs:
        if ref is None:
            continue
        target = PROJECT_ROOT / ref
        if not target.exists():
            raise UserError(f"{field}: {display(target)} does not exist", where=where, fix="create it or correct the path")
        if not right_kind(target):
            raise UserError(f"{field}: {display(target)} is not {kind}", where=where, fix="correct the path")


CROSS_CHECKS.append(check_referenced_paths)


def check_declared_services(spec: EnvironmentSpec, path: Path) -> None:
    """Each declared service's own load-time checks (schema files parse, Alembic directories have one head, ...)."""
    from ..services import declared_services

    for service in declared_services(spec):
        if service.check_spec is not None:
            service.check_spec(spec, path)


CROSS_CHECKS.append(check_declared_services)
