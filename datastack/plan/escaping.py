"""Per-format quoting for every value a template writes: one Jinja filter per file format.

The spec is validated at load, but a template must not rely on that: a state directory under a
path with a space, a secret read from a file, a future field without a pattern. Each filter
either quotes its value so the format's own parser reads it back as exactly that one value, or
raises `UnsafeValue` when the format has no way to hold it (a newline in a PostgreSQL string).

Every `{{ ... }}` in templates/ ends in one of these filters (tests/unit/plan/test_escaping.py).
"""

from __future__ import annotations

import ipaddress
import re


class UnsafeValue(ValueError):
    """A value the target format cannot hold safely."""


def _plain(value: object, what: str) -> str:
    if value is None:
        raise UnsafeValue(f"{what}: no value (None) to render")
    text = str(value)
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029" for ch in text):
        raise UnsafeValue(f"{what}: control character in {text[:40]!r}")
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


def redis_arg(value: object) -> str:
    """One argument of a redis.conf / ACL file line (read by sdssplitargs): always double-quoted,
    with \\, " and non-printable bytes escaped as \\xHH, so a space or a newline stays inside it."""
    if value is None:
        raise UnsafeValue("no value (None) to render")
    out = []
    for byte in str(value).encode("utf-8"):
        ch = chr(byte)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif byte < 0x20 or byte >= 0x7F:
            out.append(f"\\x{byte:02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def acl_word(value: object) -> str:
    """One word of a Redis ACL file line. Redis splits those lines on spaces with no quoting at all,
    so a word that holds a space, a control character or nothing cannot be written: refused."""
    text = _plain(value, "ACL word")
    if not text or any(ch.isspace() or not ch.isprintable() for ch in text):
        raise UnsafeValue(f"an ACL word cannot be empty or hold spaces: {text[:40]!r}")
    return text


def pg_string(value: object) -> str:
    """A postgresql.conf string value: single-quoted, ' doubled and \\ escaped; no control characters
    (the configuration lexer has no escape for a newline)."""
    text = _plain(value, "postgresql.conf value")
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_setting(value: object) -> str:
    """A postgresql.conf setting: an integer as is, anything else as a quoted string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return pg_string(value)


def pg_setting_name(value: object) -> str:
    text = _plain(value, "postgresql.conf parameter")
    if not re.fullmatch(r"[a-z_][a-z0-9_.]{0,62}", text):
        raise UnsafeValue(f"not a PostgreSQL parameter name: {text[:40]!r}")
    return text


def hba_network(value: object) -> str:
    """A pg_hba.conf ADDRESS column: an IP network in CIDR form, or PostgreSQL's keyword samenet/samehost."""
    text = _plain(value, "pg_hba.conf address")
    if text in ("samenet", "samehost"):
        return text
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise UnsafeValue(f"not an IP network: {text[:40]!r}") from None


def env_key(value: object) -> str:
    text = _plain(value, "environment name")
    if not re.fullmatch(r"[A-Z_][A-Z0-9_]{0,127}", text):
        raise UnsafeValue(f"not an environment variable name: {text[:40]!r}")
    return text


def env_value(value: object) -> str:
    """A KEY=VALUE env-file value (Docker's --env-file reads the rest of the line verbatim): one line."""
    return _plain(value, "environment value")


def secret_line(value: object) -> str:
    """A secret file's content (password file): one line, no control characters."""
    return _plain(value, "secret")


def keyfile(value: object) -> str:
    """A MongoDB keyFile: one word of 6-1024 printable characters (mongod then checks the base64 set)."""
    text = _plain(value, "keyFile")
    if not re.fullmatch(r"[!-~]{6,1024}", text):
        raise UnsafeValue("keyFile content must be one word of 6-1024 printable ASCII characters")
    return text


FILTERS = {
    "number": number,
    "decimal": decimal,
    "double_quoted": double_quoted,
    "yaml_string": double_quoted,
    "toml_string": double_quoted,
    "redis_arg": redis_arg,
    "acl_word": acl_word,
    "pg_string": pg_string,
    "pg_setting": pg_setting,
    "pg_setting_name": pg_setting_name,
    "hba_network": hba_network,
    "env_key": env_key,
    "env_value": env_value,
    "secret_line": secret_line,
    "keyfile": keyfile,
}
