"""The cache's checks, brought by the service itself (Service.checks_dir): `datastack check` runs them beside checks/
whenever the cache is declared. Named test_<service>_<category>.py, like every check module."""

from __future__ import annotations

from checks.conftest import target  # noqa: F401  (the suite's session fixture: spec and secrets of the environment)
from tests.support.toy_cache.check import check_cache


def test_every_cache_user_works_and_is_confined(target):  # noqa: F811
    problems = check_cache(target.spec, target.secrets())
    assert not problems, "; ".join(problems) + f" — fix: {target.fix}"
