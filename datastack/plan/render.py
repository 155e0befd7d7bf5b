"""Jinja2 rendering of every config file from templates/ (strict: a missing variable is an error)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..errors import UserError
from ..paths import TEMPLATES_DIR
from .escaping import UnsafeValue, all_filters


def _refuse_none(value: Any) -> Any:
    # A None printed as "None" is a value nobody declared; every {{ }} must have a real one.
    if value is None:
        raise UnsafeValue("a template printed None")
    return value


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # autoescape stays off because no file here is HTML: each value goes through its format's own
    # filter instead (datastack/plan/escaping.py and the services' own), and a test proves every {{ }} uses one.
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        finalize=_refuse_none,
    )
    env.filters.update(all_filters())
    return env


def render_template(name: str, **context: Any) -> str:
    try:
        return _environment().get_template(name).render(**context)
    except UnsafeValue as exc:
        # Values reach here validated; what is left is a secret or a path from outside the spec.
        raise UserError(f"{name}: {exc}", fix="correct that value (a secret file's content, DATASTACK_STATE_ROOT, ...)") from None
