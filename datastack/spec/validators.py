"""Hostile input stops here: name patterns, reserved words, addresses, settings and paths of a spec.

Every spec value ends up in a config file, a SQL statement, a path or a process argument. Each
check below is a pure function that returns the value or raises ValueError with
'problem; fix: what to do', which the loader turns into one line naming the file and the field.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from pathlib import PurePosixPath
from typing import Annotated, Any

from pydantic import AfterValidator

# ---- strings -----------------------------------------------------------------------------------


def control_character(value: str) -> str | None:
    """The first control (or other invisible format) character in `value`, as U+XXXX, or None."""
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") or ch in "\u2028\u2029":
            return f"U+{ord(ch):04X}"
    return None


def first_control_character(data: Any, path: tuple = ()) -> tuple[tuple, str] | None:
    """Walk parsed YAML: (path, U+XXXX) of the first key or string value holding a control character."""
    if isinstance(data, str):
        found = control_character(data)
        return (path, found) if found else None
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and (found := control_character(key)):
                return (*path, key), found
            hit = first_control_character(value, (*path, key))
            if hit:
                return hit
    if isinstance(data, list):
        for i, value in enumerate(data):
            hit = first_control_character(value, (*path, i))
            if hit:
                return hit
    return None


# ---- names -------------------------------------------------------------------------------------
# One documented pattern per kind of name (docs: README "Names"); each store's own names and the names it reserves
# are in roles/<store>/names.py, built with `named` below.

LOGIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,62}$")
REPLICA_SET = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# A Docker image reference: [registry[:port]/]path[:tag][@sha256:digest].
IMAGE_REFERENCE = re.compile(
    r"^(?:[a-z0-9.-]+(?::[0-9]{1,5})?/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
)
VERSION = re.compile(r"^[0-9][A-Za-z0-9_.-]{0,31}$")


def check_name(value: str, pattern: re.Pattern, what: str, rule: str, reserved: frozenset = frozenset(),
               reserved_prefixes: tuple[str, ...] = ()) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise ValueError(f"not a valid {what}; fix: use {rule}")
    low = value.lower()
    if low in reserved or any(low.startswith(p) for p in reserved_prefixes):
        prefixes = f" or start with {', '.join(reserved_prefixes)}" if reserved_prefixes else ""
        raise ValueError(
            f"{what} {value!r} is reserved by the store; fix: choose another name (it may not be one of "
            f"{', '.join(sorted(reserved))}{prefixes})"
        )
    return value


def named(pattern, what, rule, reserved=frozenset(), prefixes=()):
    return AfterValidator(lambda v: check_name(v, pattern, what, rule, reserved, prefixes))


LOWER = "1-63 characters: lower-case letters, digits and _ (not starting with a digit)"
MIXED = "1-64 characters: letters, digits, _ . - (starting with a letter)"

LoginName = Annotated[str, named(LOGIN_NAME, "login name", "1-63 characters: letters, digits, _ . - "
                                  "(starting with a letter or _)")]
ReplicaSetName = Annotated[str, named(REPLICA_SET, "replica set name", "1-64 characters: letters, digits, _ -")]
ImageReference = Annotated[str, named(IMAGE_REFERENCE, "image reference",
                                       "a Docker reference such as registry.example.com/team/service:1.2")]
Version = Annotated[str, named(VERSION, "version", "a version such as 7.0 or 15 (digits first, no spaces)")]


def check_free_text(value: str) -> str:
    """Descriptions and other text that is only ever printed: bounded, no control characters."""
    if len(value) > 1000:
        raise ValueError("text longer than 1000 characters; fix: shorten it")
    return value


FreeText = Annotated[str, AfterValidator(check_free_text)]

# ---- addresses ---------------------------------------------------------------------------------


def check_bind(value: str) -> str:
    """A listen address is one IP address (v4 or v6), never a host name or a list."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError("not an IP address; fix: write one IP address such as 127.0.0.1 (or 0.0.0.0 for all)") from None
    return value


BindIP = Annotated[str, AfterValidator(check_bind)]


# ---- ports -------------------------------------------------------------------------------------

MAX_PORT = 65535


def check_port_range(first: int, count: int, what: str) -> None:
    last = first + count - 1
    if last > MAX_PORT:
        raise ValueError(
            f"{what} would need ports {first}-{last}, past {MAX_PORT}; fix: choose a port of at most {MAX_PORT - count + 1}"
        )


# ---- state_dir ---------------------------------------------------------------------------------
# The state directory is deleted by `down --purge` and chowned by `up`: it must be a path of its own.
STATE_DIR_CHARS = re.compile(r"^[A-Za-z0-9_./~@+-]+$")
SYSTEM_DIRS = frozenset({
    "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/media", "/mnt", "/opt", "/proc", "/root",
    "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var", "/var/lib", "/var/tmp", "/var/run", "/var/log",
})


def check_state_dir(value: PurePosixPath | str) -> PurePosixPath | str:
    text = str(value)
    if text in ("", "."):
        raise ValueError("state_dir is empty (that is the project itself); fix: remove it to use .datastack/<name>")
    if not STATE_DIR_CHARS.match(text):
        raise ValueError("state_dir may only hold letters, digits and _ . / ~ @ + -; fix: choose a plain path")
    parts = PurePosixPath(text).parts
    if ".." in parts:
        raise ValueError("state_dir may not contain '..'; fix: write the path without going up")
    normal = "/" + "/".join(p for p in parts if p not in ("/",)) if text.startswith("/") else text
    if normal.rstrip("/") in SYSTEM_DIRS or normal == "/" or text in ("~", "~/"):
        raise ValueError(f"state_dir {text} is a system or home directory; fix: use a directory of its own, "
                         "e.g. /var/lib/datastack/<env>")
    return value


# ---- seeds -------------------------------------------------------------------------------------


def plain_id_problem(value: Any) -> str | None:
    """Why a seed `_id` is not a plain value (an operator document would become the upsert filter)."""
    if isinstance(value, bool) or value is None:
        return "an _id is a string or a number"
    if isinstance(value, (str, int)):
        return None
    if isinstance(value, float):
        return None if value == value and value not in (float("inf"), float("-inf")) else "an _id is a finite number"
    return "an _id is a string or a number, not a document, list or operator"


def operator_key(data: Any, path: tuple = ()) -> tuple | None:
    """Path of the first key starting with '$' in a seed document (an operator where data belongs)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and key.startswith("$"):
                return (*path, key)
            hit = operator_key(value, (*path, key))
            if hit:
                return hit
    elif isinstance(data, list):
        for i, value in enumerate(data):
            hit = operator_key(value, (*path, i))
            if hit:
                return hit
    return None
