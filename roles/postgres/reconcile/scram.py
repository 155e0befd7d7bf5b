"""SCRAM-SHA-256 verifiers computed here, so a password is checked and set without sending it in clear.

PostgreSQL stores `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`; recomputing the keys
from the secret with the stored salt tells whether the role's password matches the spec, and
`ALTER ROLE ... PASSWORD '<verifier>'` sets it without the plaintext reaching the server's logs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata

ITERATIONS = 4096  # PostgreSQL's default scram_iterations


def _keys(password: str, salt: bytes, iterations: int) -> tuple[bytes, bytes]:
    # PostgreSQL applies SASLprep; NFKC is its core, and generated secrets are plain ASCII anyway.
    salted = hashlib.pbkdf2_hmac("sha256", unicodedata.normalize("NFKC", password).encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    return hashlib.sha256(client_key).digest(), server_key


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt if salt is not None else os.urandom(16)
    stored, server = _keys(password, salt, iterations)
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored)}:{b64(server)}"


def verifier_matches(password: str, verifier: str | None) -> bool:
    """True when `verifier` (pg_authid.rolpassword) was made from `password`."""
    if not verifier or not verifier.startswith("SCRAM-SHA-256$"):
        return False  # no password, or an md5 hash: reset it to SCRAM
    try:
        params, keys = verifier[len("SCRAM-SHA-256$"):].split("$")
        iterations, salt = params.split(":")
        stored, server = (base64.b64decode(k) for k in keys.split(":"))
        want_stored, want_server = _keys(password, base64.b64decode(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(stored, want_stored) and hmac.compare_digest(server, want_server)
