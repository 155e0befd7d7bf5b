"""Overlays: an environment extends a base; maps merge, lists replace, null removes; every mistake is one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from datastack.errors import UserError
from datastack.paths import PROJECT_ROOT
from datastack.spec import load_spec_file
from datastack.spec.overlays import merge, read_environment_document

BASE = """
services:
  postgres:
    port: 55432
    settings: {max_connections: 50}
    databases:
      algo_trading:
        alembic: ../../migrations/postgres/algo_trading
        users:
          - {name: algo_trading_owner, access: owner}
          - {name: algo_trading_app, access: app}
  redis:
    port: 56379
    maxmemory_policy: allkeys-lru
    users:
      - {name: trading_app, keys: ["app:*"]}
      - {name: monitoring, access: readonly, keys: ["*"], commands: ["+@read"]}
"""


def files(tmp_path: Path, **texts: str) -> Path:
    """Write name=text files (`__` in a name is a directory separator); return the last one."""
    path = tmp_path
    for name, text in texts.items():
        path = tmp_path / f"{name.replace('__', '/')}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return path


def rejected(path: Path) -> str:
    with pytest.raises(UserError) as caught:
        load_spec_file(path)
    line = caught.value.one_line()
    assert caught.value.exit_code == 2 and "\n" not in line and "fix:" in line
    return line


def test_maps_merge_lists_replace_null_removes(tmp_path):
    path = files(tmp_path, deep__base__common=BASE, env="""
extends: deep/base/common.yaml
name: qa
services:
  postgres:
    port: 45432
    settings: null
  redis:
    users:
      - {name: trading_app, keys: ["qa:*"]}
""")
    spec = load_spec_file(path)
    pg, redis = spec.services.postgres, spec.services.redis
    assert pg.port == 45432 and pg.settings == type(pg)().settings       # overridden; removed: back to the default
    assert [u.name for u in pg.databases["algo_trading"].users] == ["algo_trading_owner", "algo_trading_app"]  # kept
    assert redis.port == 56379 and redis.maxmemory_policy == "allkeys-lru"  # untouched keys of a merged map
    assert [(u.name, u.keys) for u in redis.users] == [("trading_app", ["qa:*"])]  # the list replaced, not appended


def test_relative_paths_resolve_against_the_file_that_states_them(tmp_path):
    # The base says ../../migrations/... from deep/base/: that is tmp/migrations, wherever the overlay sits.
    scripts = tmp_path / "migrations/postgres/algo_trading"
    scripts.mkdir(parents=True)
    path = files(tmp_path, deep__base__common=BASE, sub__env="extends: ../deep/base/common.yaml\nname: qa\n")
    merged = read_environment_document(path)
    assert merged["services"]["postgres"]["databases"]["algo_trading"]["alembic"] == str(scripts)
    assert "extends" not in merged


def test_relative_state_dir_resolves_against_the_spec_file(tmp_path):
    path = files(tmp_path, env="name: qa\nstate_dir: state/qa\nservices: {}\n")
    assert load_spec_file(path).state_dir == tmp_path / "state/qa"
    climbing = files(tmp_path, env2="name: qa\nstate_dir: ../elsewhere\nservices: {}\n")
    assert "state_dir may not contain '..'" in rejected(climbing)


def test_a_missing_base_names_the_file_and_the_path(tmp_path):
    path = files(tmp_path, env="extends: base/nope.yaml\nname: qa\nservices: {}\n")
    line = rejected(path)
    assert "extends: base nope.yaml" not in line and "base/nope.yaml does not exist" in line and "env.yaml" in line


def test_a_cycle_of_bases_is_refused(tmp_path):
    files(tmp_path, a="extends: b.yaml\nservices: {}\n", b="extends: c.yaml\n", c="extends: a.yaml\n")
    line = rejected(tmp_path / "a.yaml")
    assert "a cycle of bases" in line and "a.yaml -> " in line and "c.yaml" in line


def test_a_file_extending_itself_is_a_cycle(tmp_path):
    assert "a cycle of bases" in rejected(files(tmp_path, env="extends: env.yaml\nname: qa\n"))


@pytest.mark.parametrize("override, shape", [
    ("services:\n  redis: [a, b]\n", "overrides a mapping from its base with a list"),
    ("services:\n  redis:\n    users: {name: x}\n", "overrides a list from its base with a mapping"),
    ("services:\n  postgres:\n    settings: fast\n", "overrides a mapping from its base with a plain value"),
])
def test_an_override_of_the_wrong_type_names_the_field(tmp_path, override, shape):
    path = files(tmp_path, base=BASE, env=f"extends: base.yaml\nname: qa\n{override}")
    line = rejected(path)
    assert shape in line and "env.yaml" in line and line.split(":", 2)[1].strip().startswith("services.")


@pytest.mark.parametrize("value", ["[a.yaml]", "''", "42"])
def test_extends_must_be_a_path(tmp_path, value):
    assert "extends: must be the path of a base file" in rejected(files(tmp_path, env=f"extends: {value}\nname: qa\n"))


def test_a_broken_base_is_reported_in_the_base(tmp_path):
    path = files(tmp_path, base="services:\n  redis: {port: 1, port: 2}\n", env="extends: base.yaml\nname: qa\n")
    line = rejected(path)
    assert line.startswith(str(tmp_path / "base.yaml")) and "appears twice" in line


def test_merge_changes_neither_input():
    base, overlay = {"a": {"b": 1, "c": [1]}}, {"a": {"b": None, "c": [2]}}
    assert merge(base, overlay, where="x") == {"a": {"c": [2]}}
    assert base == {"a": {"b": 1, "c": [1]}} and overlay == {"a": {"b": None, "c": [2]}}


def test_the_cli_stops_with_exit_2_and_one_line(tmp_path):
    path = files(tmp_path, env="extends: missing.yaml\nname: qa\n")
    done = subprocess.run([sys.executable, "-m", "datastack.cli", "plan", "--spec", str(path)],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "missing.yaml does not exist" in done.stderr


def test_a_bad_value_from_a_base_names_the_bases_too(tmp_path):
    path = files(tmp_path, base="services:\n  redis: {port: 80}\n", env="extends: base.yaml\nname: qa\n")
    line = rejected(path)
    assert "env.yaml (with " in line and "base.yaml)" in line and "services.redis.port" in line
