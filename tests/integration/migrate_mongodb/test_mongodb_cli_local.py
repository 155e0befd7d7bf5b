"""`datastack migrate` through the real CLI on a fresh copy of the local environment (local engine).

Only MongoDB is kept from environments/local.yaml: this test is about the Bot Core database, and
should not fail because another service's start-up does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.environments import throwaway_environment

VERIFY = Path(__file__).with_name("verify_bot_core.py")


def _only_mongodb(data: dict) -> None:
    data["services"] = {"mongodb": data["services"]["mongodb"]}


@pytest.fixture(scope="module")
def local_mongo_env():
    with throwaway_environment("datastack-mongo-cli-", mutate=_only_mongodb) as env:
        yield env


def test_migrate_local_creates_the_bot_core_schema_and_then_has_nothing_to_do(local_mongo_env):
    env = local_mongo_env
    first = json.loads(env.cli("migrate", "--json").stdout)
    # 24 collections, their index batches, users, seeds (one change per seeded collection) and the migration
    assert first["stores"][0]["database"] == "bot_core" and first["totals"]["applied"] >= 45
    check = subprocess.run([sys.executable, str(VERIFY), env.uri("mongodb"), "bot_core"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    again = json.loads(env.cli("migrate", "--json").stdout)
    assert again["totals"] == {"planned": 0, "applied": 0, "drift": 0}
    status = json.loads(env.cli("migrate", "status", "--json").stdout)
    assert status["stores"][0]["revision"] == {"current": "0001_stamp_seed_timestamps", "head": "0001_stamp_seed_timestamps"}


def test_dry_run_through_the_cli_changes_nothing(local_mongo_env):
    dry = json.loads(local_mongo_env.cli("migrate", "--dry-run", "--json").stdout)
    assert dry["dry_run"] is True and dry["totals"]["applied"] == 0
