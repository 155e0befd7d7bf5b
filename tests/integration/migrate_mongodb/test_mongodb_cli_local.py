"""`datastack migrate` through the real CLI on the shared local environment (local engine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

VERIFY = Path(__file__).with_name("verify_bot_core.py")


def test_migrate_local_creates_the_bot_core_schema_and_then_has_nothing_to_do(local_env):
    first = local_env.cli("migrate", "--store", "mongodb", "--json")
    assert json.loads(first.stdout)["stores"][0]["database"] == "bot_core"
    check = subprocess.run([sys.executable, str(VERIFY), local_env.uri("mongodb"), "bot_core"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    again = json.loads(local_env.cli("migrate", "--store", "mongodb", "--json").stdout)
    assert again["totals"] == {"planned": 0, "applied": 0, "drift": 0}
    status = json.loads(local_env.cli("migrate", "status", "--json").stdout)
    mongo = next(s for s in status["stores"] if s["store"] == "mongodb")
    assert mongo["revision"]["current"] == mongo["revision"]["head"] == "0001_stamp_seed_timestamps"
