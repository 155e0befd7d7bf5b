"""Redis logins for the checks, and a scratch key inside a user's own key patterns."""

from __future__ import annotations

import pytest

from datastack.credentials import Login

from .target import Target

SCRATCH_SUFFIX = "_datastack_check:probe"


def reader_login(target: Target) -> Login:
    if not target.read_only:
        return target.redis()
    user = next((u for u in target.spec.services.redis.users if u.access == "readonly"), None)
    if user is None:
        pytest.skip("read-only mode: no readonly Redis user is declared")
    return target.redis(user.name)


def scratch_key(patterns: list[str]) -> str:
    """A key the user may touch: its first pattern with the glob replaced by our suffix."""
    pattern = patterns[0] if patterns else "*"
    prefix = pattern.split("*")[0].split("?")[0].split("[")[0]
    return prefix + SCRATCH_SUFFIX
