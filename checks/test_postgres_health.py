"""PostgreSQL health: process, ports and files as planned; accepting connections; primary, not in recovery."""

from __future__ import annotations

import pytest

from checks.lib import health
from checks.lib.postgres import any_reader


@pytest.fixture(scope="module")
def postgres(target):
    if target.spec.services.postgres is None or target.endpoints.postgres is None:
        pytest.skip("this environment declares no PostgreSQL")
    return target.endpoints.postgres


test_postgres_runs_as_its_own_user, test_postgres_listens_only_on_declared_ports, test_postgres_config_files_safe = \
    health.process_checks("postgres", "postgres")


def test_postgres_accepts_connections(target, postgres, connections):
    login, db = any_reader(target)
    answer = connections.postgres(login, db).execute("SELECT 1").fetchone()
    assert answer == (1,), f"postgres answered SELECT 1 with {answer!r} as {login.user}"


def test_postgres_is_primary(target, postgres, connections):
    login, db = any_reader(target)
    in_recovery = connections.postgres(login, db).execute("SELECT pg_is_in_recovery()").fetchone()[0]
    assert in_recovery is False, (f"postgres at {postgres.where()} is in recovery (a standby), declared a "
                                  "primary — fix: promote it (pg_ctl promote) or point the endpoints at the primary")
