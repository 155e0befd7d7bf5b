"""As root, a project under a directory the service users cannot traverse (a clone under the 0700 /root) comes
up, migrates and passes check with no variable set: its state goes under /var/lib/datastack/<project id>/ and
`status` says so; the reference app runs from its own copy of the code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from datastack.state_location import SYSTEM_STATE_ROOT, project_id
from tests.support.environments import reachable_tmpdir, throwaway_spec

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="service users exist only when datastack runs as root")


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATASTACK_STATE_ROOT"}
    done = subprocess.run([sys.executable, "-m", "datastack.cli", *args], capture_output=True, text=True,
                          timeout=300, env=env, cwd="/")
    if check and done.returncode != 0:
        raise AssertionError(f"datastack {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def test_a_project_behind_a_closed_directory_runs_with_state_where_service_users_reach():
    root = reachable_tmpdir("ds-closed-")
    project = root / "home" / "proj"
    project.mkdir(parents=True)
    data = throwaway_spec(root)
    del data["state_dir"]  # the default: beside the spec, unless service users cannot reach it
    data["name"] = "closed-qa"
    spec = project / "closed-qa.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False))
    (root / "home").chmod(0o700)
    expected = SYSTEM_STATE_ROOT / project_id(project) / "closed-qa"
    try:
        cli("up", "--spec", str(spec))
        cli("migrate", "--spec", str(spec))
        assert "all checks passed" in cli("check", "--spec", str(spec)).stdout
        status = json.loads(cli("status", "--json", "--spec", str(spec)).stdout)
        assert status["state_dir"] == str(expected) and status["all_running"]
        assert f"state: {expected}" in cli("status", "--spec", str(spec)).stdout
        assert (expected / "app-reference/conf/app/server.py").is_file() and not (project / ".datastack").exists()
    finally:
        cli("down", "--purge", "--spec", str(spec), check=False)
        shutil.rmtree(expected.parent, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)
