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


@pytest.fixture(scope="module")
def servers(target, postgres):
    return target.services("postgres")


def test_postgres_runs_as_its_own_user(target, postgres, servers, hosts):
    for svc in servers:
        health.assert_runs_as_declared_user(hosts(postgres.testinfra_host), svc, target.up_fix)


def test_postgres_listens_only_on_declared_ports(target, postgres, servers, hosts):
    for svc in servers:
        health.assert_listens_only_on_declared_ports(hosts(postgres.testinfra_host), svc, target.up_fix)


def test_postgres_config_files_safe(target, postgres, servers, hosts):
    for svc in servers:
        health.assert_config_files_safe(hosts(postgres.testinfra_host), svc, target.up_fix)


def test_postgres_accepts_connections(target, postgres, connections):
    login, db = any_reader(target)
    assert connections.postgres(login, db).execute("SELECT 1").fetchone() == (1,)


def test_postgres_is_primary(target, postgres, connections):
    login, db = any_reader(target)
    in_recovery = connections.postgres(login, db).execute("SELECT pg_is_in_recovery()").fetchone()[0]
    assert in_recovery is False, (f"postgres at {postgres.host}:{postgres.port} is in recovery (a standby), declared a "
                                  "primary — fix: promote it (pg_ctl promote) or point the endpoints at the primary")
