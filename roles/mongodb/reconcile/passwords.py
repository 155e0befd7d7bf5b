"""Know whether a user's password still matches the spec's secret without ever storing the secret.

The ledger keeps a salted SHA-256 of the secret (in the admin database, which only administrators
read); the password is only sent to the server when that fingerprint no longer matches.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as token_source
from typing import Any


def fingerprint(password: str, salt: str | None = None) -> dict[str, str]:
    salt = salt or token_source.token_hex(16)
    digest = hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()
    return {"salt": salt, "sha256": digest}


def fingerprint_matches(stored: dict[str, Any] | None, password: str) -> bool:
    """False when nothing is stored (a user bootstrapped by `up`): its password is then set once."""
    if not stored or "salt" not in stored or "sha256" not in stored:
        return False
    return hmac.compare_digest(fingerprint(password, stored["salt"])["sha256"], stored["sha256"])
