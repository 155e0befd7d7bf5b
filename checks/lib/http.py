"""A bounded HTTP GET for the checks (stdlib only: no client to import, no redirects to follow)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import pytest

from .target import status_command


def get(url: str, *, timeout_s: float, auth: tuple[str, str] | None = None, up_fix: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if auth:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
    # Failed outside the except block so the report shows one line, not the chained exceptions.
    pytest.fail(f"{url} did not answer within {timeout_s:g} s: {reason} — fix: '{up_fix}', then '{status_command(up_fix)}'",
                pytrace=False)


def json_body(body: bytes) -> dict:
    try:
        return json.loads(body)
    except ValueError:
        return {}
