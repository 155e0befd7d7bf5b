"""Shared fixtures. `local_env`: one throwaway `local` environment brought up for real, per session."""

from __future__ import annotations

import pytest

from tests.support.environments import create_environment


@pytest.fixture(scope="session")
def local_env():
    """The local spec on free ports, up through the real CLI; purged at the end of the session.
    Tests that break things on purpose should make their own with `create_environment()`."""
    env = create_environment()
    try:
        yield env
    finally:
        env.destroy()
