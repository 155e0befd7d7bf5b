"""Shared fixtures. `local_env`: one throwaway `local` environment brought up for real, per session.

The suite runs with the system's PATH only, as on a fresh machine: a program found on a developer's
own PATH (a pyenv shim, a hand-made link) can never make a missing install step pass here.
"""

from __future__ import annotations

import os

import pytest

from datastack.programs import SYSTEM_PATH
from tests.support.environments import create_environment

def pytest_ignore_collect(collection_path, config):
    """Check modules a test service brings (Service.checks_dir) run inside `datastack check`, which registers its
    own options (--datastack-spec); the test suite itself only drives them through the CLI."""
    if "support" in collection_path.parts and "checks" in collection_path.parts \
            and not hasattr(config.option, "datastack_spec"):
        return True
    return None


def pytest_configure(config):
    os.environ["PATH"] = SYSTEM_PATH


@pytest.fixture(scope="session")
def local_env():
    """The local spec on free ports, up through the real CLI; purged at the end of the session.
    Tests that break things on purpose should make their own with `create_environment()`."""
    env = create_environment()
    try:
        yield env
    finally:
        env.destroy()
