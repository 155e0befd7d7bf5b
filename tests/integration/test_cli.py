"""The CLI surface: schema, plan masking, logs, uri errors — through the real command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "datastack.cli", *args], capture_output=True, text=True, timeout=60)


def test_schema_is_a_json_schema_of_the_spec(tmp_path):
    out = tmp_path / "spec.schema.json"
    assert run("schema", "-o", str(out)).returncode == 0
    schema = json.loads(out.read_text())
    assert {"name", "services"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_plan_json_masks_every_secret(local_env):
    plan = json.loads(local_env.cli("plan", "--json").stdout)
    text = json.dumps(plan)
    assert not any(value in text for value in local_env.secrets().values())
    acl = next(f for s in plan["services"] if s["name"] == "redis" for f in s["files"] if f["path"].endswith("users.acl"))
    assert acl["content"].startswith("<secret:") and acl["mode"] == 0o600


def test_logs_show_the_service_log(local_env):
    out = local_env.cli("logs", "postgres", "-n", "200").stdout
    assert "database system is ready to accept connections" in out


def test_uri_for_unknown_user_is_bad_usage(local_env):
    done = local_env.cli("uri", "postgres", "--as", "mallory", check=False)
    assert done.returncode == 2
    assert "postgres has no user 'mallory'" in done.stderr and "algo_trading_app" in done.stderr


def test_unknown_engine_is_bad_usage(local_env):
    done = local_env.cli("up", "--engine", "kubernetes", check=False)
    assert done.returncode == 2 and "unknown engine 'kubernetes'" in done.stderr


def test_secret_files_are_private_on_disk(local_env):
    import stat
    from pathlib import Path

    state = Path(local_env.spec.state_dir)
    assert stat.S_IMODE((state / "secrets.json").stat().st_mode) == 0o600
    # Redis' ACL file lives in its data directory: Redis rewrites it (ACL SAVE) and must keep it 0600.
    assert stat.S_IMODE((state / "redis" / "data" / "users.acl").stat().st_mode) == 0o600
    assert stat.S_IMODE((state / "app-reference" / "conf" / "app.env").stat().st_mode) == 0o600
