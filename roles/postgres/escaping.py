"""PostgreSQL's file formats: postgresql.conf values and names, pg_hba.conf addresses."""

from __future__ import annotations

import ipaddress
import re

from datastack.plan.escaping import UnsafeValue, plain


def pg_string(value: object) -> str:
    """A postgresql.conf string value: single-quoted, ' doubled and \\ escaped; no control characters
    (the configuration lexer has no escape for a newline)."""
    text = plain(value, "postgresql.conf value")
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_setting(value: object) -> str:
    """A postgresql.conf setting: an integer as is, anything else as a quoted string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return pg_string(value)


def pg_setting_name(value: object) -> str:
    text = plain(value, "postgresql.conf parameter")
    if not re.fullmatch(r"[a-z_][a-z0-9_.]{0,62}", text):
        raise UnsafeValue(f"not a PostgreSQL parameter name: {text[:40]!r}")
    return text


def hba_network(value: object) -> str:
    """A pg_hba.conf ADDRESS column: an IP network in CIDR form, or PostgreSQL's keyword samenet/samehost."""
    text = plain(value, "pg_hba.conf address")
    if text in ("samenet", "samehost"):
        return text
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise UnsafeValue(f"not an IP network: {text[:40]!r}") from None


def hba_type(value: object) -> str:
    """A pg_hba.conf connection type datastack writes: host (any transport) or hostssl (TLS only)."""
    if value not in ("host", "hostssl"):
        raise UnsafeValue(f"not a pg_hba connection type datastack writes: {value!r}")
    return f"{value:<7}"


TEMPLATE_FILTERS = {"hba_type": hba_type, "pg_string": pg_string, "pg_setting": pg_setting, "pg_setting_name": pg_setting_name,
                    "hba_network": hba_network}
