"""The ci environment in containers migrates PostgreSQL through Alembic like every other environment:
both databases reach their head, and `check` compares their structure with it (nothing skipped)."""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.docker]

DATABASES = ("algo_trading", "trading_service")


def test_ci_migrate_brings_every_postgres_database_to_its_alembic_head(ci_containers):
    migrated = ci_containers.cli("migrate", timeout=300)
    text = migrated.stdout + migrated.stderr
    for db in DATABASES:
        assert f"alembic_upgrade {db} " in text or f"postgres/{db}: at head" in text, text

    # Only what migrations decide: latency budgets on a busy shared machine are another test's business.
    report_file = ci_containers.root / "ci-check.json"
    ci_containers.cli("check", "--json", str(report_file), "-k", "alembic", timeout=300)
    outcomes = {c["id"].rsplit("::", 1)[-1]: c["outcome"] for c in json.loads(report_file.read_text())["checks"]}
    for db in DATABASES:
        for check in ("alembic_at_head", "tables_match_alembic_head", "columns_match_alembic_head",
                      "indexes_match_alembic_head", "constraints_match_alembic_head"):
            assert outcomes.get(f"test_{check}[{db}]") == "passed", outcomes
