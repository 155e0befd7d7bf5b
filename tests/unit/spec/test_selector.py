"""Fix lines name the environment the way the user named it: `--env NAME` for the project's environments/NAME.yaml,
`--spec PATH` for any other file (a fix that says `--env local` for /tmp/x/local.yaml would act on another
environment's state)."""

from __future__ import annotations

import yaml

from datastack.endpoints import StoreEndpoint
from datastack.spec.load import load_environment, load_spec_file
from tests.support.environments import throwaway_spec


def test_a_project_environment_is_named_by_env():
    spec, _ = load_environment("local")
    assert spec.selector == "--env local"


def test_another_file_is_named_by_its_path_quoted_for_the_shell(tmp_path):
    directory = tmp_path / "a project"  # a space: the path must come back as one shell word
    directory.mkdir()
    path = directory / "local.yaml"  # the same name as a project environment: still another environment
    path.write_text(yaml.safe_dump(throwaway_spec(tmp_path)))  # its state outside: state paths take no spaces
    spec = load_spec_file(path)
    assert spec.selector == f"--spec '{path}'"
    assert f"datastack up --spec '{path}'" in StoreEndpoint().unreachable_fix(spec)


def test_an_unreachable_project_store_names_up_with_env():
    spec, _ = load_environment("ci")
    assert StoreEndpoint().unreachable_fix(spec) == \
        "start it with 'datastack up --env ci' and check 'datastack status --env ci'"
