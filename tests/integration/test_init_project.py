"""A project made by `datastack init` (environment `eu-qa`, relative paths) comes up, migrates and passes
`check` as generated, while another environment runs; neither touches the other's state."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.environments import reachable_tmpdir


def cli(*args: str, check: bool = True, timeout: float = 240) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "datastack.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd="/")  # from anywhere: paths come from the spec file
    if check and done.returncode != 0:
        raise AssertionError(f"datastack {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def fingerprint(state: Path) -> dict[str, str]:
    """Every regular file of a state directory outside data/ and logs/ (what a server itself writes), hashed."""
    return {str(p.relative_to(state)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(state.rglob("*")) if p.is_file() and not p.is_symlink()
            and not {"data", "logs", "run", "socket"} & set(p.relative_to(state).parts)}


@pytest.fixture
def project():
    root = reachable_tmpdir("ds-init-")
    try:
        yield root / "eu-qa-project"
    finally:
        spec = root / "eu-qa-project/environments/eu-qa.yaml"
        if spec.exists():
            cli("down", "--purge", "--spec", str(spec), check=False)
        shutil.rmtree(root, ignore_errors=True)


def test_an_initialised_project_runs_beside_another_environment(project, local_env):
    other_state = Path(local_env.session.state_dir)
    other_before = fingerprint(other_state)

    made = cli("init", str(project), "--name", "eu-qa")
    spec = project / "environments/eu-qa.yaml"
    assert str(spec) in made.stdout and "alembic: ../migrations/postgres/app" in spec.read_text()

    cli("up", "--spec", str(spec))
    migrated = cli("migrate", "--spec", str(spec))
    assert "alembic_upgrade app 0001_accounts" in migrated.stdout + migrated.stderr
    checked = cli("check", "--spec", str(spec))
    assert "all checks passed" in checked.stdout and " 0 failed" in checked.stdout

    status = json.loads(cli("status", "--json", "--spec", str(spec)).stdout)
    state = project / "environments/.datastack/eu-qa"
    assert status["state_dir"] == str(state) and status["all_running"]
    assert (state / "secrets.json").is_file() and not (other_state.parent / "eu-qa").exists()

    # Stop the new project: the other environment still runs, its state files unchanged.
    cli("down", "--purge", "--spec", str(spec))
    assert not state.exists()
    assert json.loads(local_env.cli("status", "--json").stdout)["all_running"]
    assert fingerprint(other_state) == other_before


def test_init_refuses_a_bad_name_and_an_existing_project_writing_nothing(project):
    done = cli("init", str(project), "--name", "EU_QA", check=False)
    assert done.returncode == 2 and "--name: 'EU_QA' is not an environment name" in done.stderr
    assert not project.exists()
    cli("init", str(project), "--name", "eu-qa")
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    again = cli("init", str(project), "--name", "eu-qa", check=False)
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before
