"""Per-format quoting for every value a template writes: one Jinja filter per file format.

The spec is validated at load, but a template must not rely on that: a state directory under a
path with a space, a secret read from a file, a future field without a pattern. Each filter
either quotes its value so the format's own parser reads it back as exactly that one value, or
raises `UnsafeValue` when the format has no way to hold it (a newline in a config-file string).

This module holds the shared formats; a service's own file formats are its `Service.template_filters`
(roles/<service>/escaping.py). Every `{{ ... }}` in templates/ ends in one of them (tests/unit/plan/test_escaping.py).
"""

from __future__ import annotations

import re


class UnsafeValue(ValueError):
    """A value the target format cannot hold safely."""


def plain(value: object, what: str) -> str:
    if value is None:
        raise UnsafeValue(f"{what}: no value (None) to render")
    text = str(value)
    for position, ch in enumerate(text):
        if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029":
            # Position and code point only: the value may be a secret or a URI carrying a password.
            raise UnsafeValue(f"{what}: control character U+{ord(ch):04X} at position {position}")
    return text


def number(value: object) -> str:
    """An integer setting (port, count): anything else is refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise UnsafeValue(f"not an integer: {value!r}")
    return str(value)


def decimal(value: object) -> str:
    """A fractional setting (a cache size in GB): a finite int or float, written plainly."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value in (float("inf"), float("-inf")):
        raise UnsafeValue(f"not a number: {value!r}")
    return f"{value:g}"


def double_quoted(value: object) -> str:
    """A double-quoted string valid in YAML and in TOML (basic string): \\, " and every
    non-printable character escaped as \\uXXXX / \\UXXXXXXXX."""
    if value is None:
        raise UnsafeValue("no value (None) to render")
    out = []
    for ch in str(value):
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            raise UnsafeValue("a lone surrogate cannot be written as text")
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif code < 0x20 or 0x7F <= code <= 0x9F or not ch.isprintable():
            out.append(f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def env_key(value: object) -> str:
    text = plain(value, "environment name")
    if not re.fullmatch(r"[A-Z_][A-Z0-9_]{0,127}", text):
        raise UnsafeValue(f"not an environment variable name: {text[:40]!r}")
    return text


def env_value(value: object) -> str:
    """A KEY=VALUE env-file value (Docker's --env-file reads the rest of the line verbatim): one line."""
    return plain(value, "environment value")


def secret_line(value: object) -> str:
    """A secret file's content (password file): one line, no control characters."""
    return plain(value, "secret")


_PEM_BLOCKS = re.compile(r"(?:-----BEGIN [A-Z0-9 ]+-----\n[A-Za-z0-9+/=\n]+-----END [A-Z0-9 ]+-----\n)+")


def pem(value: object) -> str:
    """A PEM file's content (certificates, keys): whole BEGIN/END blocks of base64 lines, nothing else."""
    from ..spec.secrets import MASK

    text = str(value) if value is not None else ""
    if text and not text.endswith("\n"):
        text += "\n"
    if not _PEM_BLOCKS.fullmatch(text) and text != MASK + "\n":  # masked material in a displayed plan
        raise UnsafeValue("not PEM blocks")
    return text


FILTERS = {
    "pem": pem,
    "number": number,
    "decimal": decimal,
    "double_quoted": double_quoted,
    "yaml_string": double_quoted,
    "toml_string": double_quoted,
    "env_key": env_key,
    "env_value": env_value,
    "secret_line": secret_line,
}


def all_filters() -> dict:
    """The shared filters and every registered service's own."""
    from ..services import registered_services

    filters = dict(FILTERS)
    for service in registered_services():
        filters.update(service.template_filters)
    return filters
