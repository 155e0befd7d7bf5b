"""Default state: beside the spec; the repository's own in its .datastack; as root, somewhere service users reach."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from datastack.paths import PROJECT_ROOT, environment_file
from datastack.plan import state_dir_for
from datastack.spec import load_spec_file
from datastack.state_dir import default_state_dir
from datastack.state_location import SYSTEM_STATE_ROOT, project_id
from tests.support.environments import reachable_tmpdir

SPEC = "name: eu-qa\nservices:\n  redis: {port: 56379}\n"


@pytest.fixture(autouse=True)
def _no_override(monkeypatch):
    monkeypatch.delenv("DATASTACK_STATE_ROOT", raising=False)


@pytest.fixture
def tmp_path():
    """A directory every user can traverse (pytest's own sits under a 0700 one)."""
    path = reachable_tmpdir("ds-state-location-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def project(root: Path, mode: int = 0o755) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(mode)
    (root / "env.yaml").write_text(SPEC)
    return root / "env.yaml"


def test_state_lives_beside_the_spec(tmp_path):
    spec = load_spec_file(project(tmp_path / "one"))
    assert state_dir_for(spec) == default_state_dir(spec) == tmp_path / "one/.datastack/eu-qa"


def test_two_projects_with_one_environment_name_never_share_state(tmp_path):
    first, second = (load_spec_file(project(tmp_path / d)) for d in ("a", "b"))
    assert first.name == second.name and state_dir_for(first) != state_dir_for(second)


def test_the_repository_environments_keep_their_state_in_the_repository():
    assert state_dir_for(load_spec_file(environment_file("local"))) == PROJECT_ROOT / ".datastack/local"


@pytest.mark.skipif(os.geteuid() != 0, reason="service users exist only when datastack runs as root")
def test_as_root_a_project_under_a_closed_directory_keeps_its_state_where_service_users_reach(tmp_path):
    closed = tmp_path / "home"
    path = project(closed / "proj")
    closed.chmod(0o700)
    spec = load_spec_file(path)
    assert state_dir_for(spec) == SYSTEM_STATE_ROOT / project_id(closed / "proj") / "eu-qa"
    assert project_id(closed / "proj").startswith("proj-") and project_id(closed / "proj") != project_id(tmp_path)


def test_an_explicit_state_root_still_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("DATASTACK_STATE_ROOT", str(tmp_path / "root"))
    assert state_dir_for(load_spec_file(project(tmp_path / "p"))) == tmp_path / "root/eu-qa"


def test_a_spec_built_in_memory_keeps_the_repository_root():
    from datastack.spec import EnvironmentSpec

    spec = EnvironmentSpec.model_validate({"name": "qa", "services": {}})
    assert state_dir_for(spec) == PROJECT_ROOT / ".datastack/qa"


@pytest.mark.skipif(os.geteuid() != 0, reason="service users exist only when datastack runs as root")
def test_an_explicit_state_dir_behind_a_closed_directory_still_stops_up(tmp_path):
    from datastack.engines.local.runtime import check_state_dir_reachable
    from datastack.errors import UserError

    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    with pytest.raises(UserError, match="not reachable by the service users .* remove state_dir from the spec"):
        check_state_dir_reachable(closed / "state")
