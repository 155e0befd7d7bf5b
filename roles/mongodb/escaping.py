"""MongoDB's file formats: the replica set keyFile."""

from __future__ import annotations

import re

from datastack.plan.escaping import UnsafeValue, plain


def keyfile(value: object) -> str:
    """A MongoDB keyFile: one word of 6-1024 printable characters (mongod then checks the base64 set)."""
    text = plain(value, "keyFile")
    if not re.fullmatch(r"[!-~]{6,1024}", text):
        raise UnsafeValue("keyFile content must be one word of 6-1024 printable ASCII characters")
    return text


TEMPLATE_FILTERS = {"keyfile": keyfile}
