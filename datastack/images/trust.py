"""The CA bundle that build steps use to reach PyPI and npm over HTTPS.

Why: on machines whose HTTPS goes through an intercepting proxy, the host trusts a local CA that the
debootstrap base does not, so `pip install` inside `docker build` fails certificate checks. Recipes copy
this bundle into their *build stage only* (as `build-ca.crt`); it is not part of the recipe hash,
since it changes how packages are fetched, not what is built.
"""

from __future__ import annotations

import os
from pathlib import Path

BUILD_CA_CONTEXT_NAME = "build-ca.crt"
_CANDIDATES_ENV = ("DATASTACK_BUILD_CA_BUNDLE", "PIP_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")
_DEBIAN_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


def build_ca_bundle() -> bytes:
    """The host's CA bundle (first of the env overrides, then Debian's), or empty when it has none."""
    for name in _CANDIDATES_ENV:
        value = os.environ.get(name)
        if value and Path(value).is_file():
            return Path(value).read_bytes()
    return _DEBIAN_BUNDLE.read_bytes() if _DEBIAN_BUNDLE.is_file() else b""
