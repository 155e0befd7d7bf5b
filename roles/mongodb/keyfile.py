"""MongoDB's rules for a keyFile's content, checked before anything is written or started.

Manual (Security > Internal/Membership Authentication > Keyfiles, v7.0): "The content of the keyfile must be
between 6 and 1024 characters long and may only contain characters in the base64 set"; whitespace is ignored.
mongod refuses to start otherwise, which on a replica set means a member that never joins.
"""

from __future__ import annotations

import re

from datastack.errors import UserError
from datastack.spec.secrets import MASK

BASE64_SET = re.compile(r"[A-Za-z0-9+/=]+")
MIN_CHARS, MAX_CHARS = 6, 1024


def keyfile_problem(content: str) -> str | None:
    """What is wrong with a keyFile's content, never echoing it; None when mongod accepts it."""
    packed = "".join(content.split())
    if not MIN_CHARS <= len(packed) <= MAX_CHARS:
        return f"is {len(packed)} characters long, mongod needs {MIN_CHARS}-{MAX_CHARS}"
    if not BASE64_SET.fullmatch(packed):
        return "holds characters outside the base64 set (A-Z a-z 0-9 + / =)"
    return None


def check_keyfile(content: str) -> None:
    if content == MASK:
        return  # a plan built for display (`datastack plan`) holds masked secrets, not the keyFile
    problem = keyfile_problem(content)
    if problem:
        raise UserError(f"services.mongodb.keyfile: the keyFile secret {problem}",
                        fix="use e.g. 'openssl rand -base64 756' (or password: generate in local/ci)")
