"""Alembic heads cached by the script directory's content: spec loading stays free of Alembic and SQLAlchemy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from datastack.paths import PROJECT_ROOT
from roles.postgres.reconcile import script_heads

SCRIPTS = PROJECT_ROOT / "migrations" / "postgres" / "algo_trading"

LOAD_AND_LIST_IMPORTS = (
    "import json, sys\n"
    "from datastack.spec.load import load_environment\n"
    "load_environment('local')\n"
    "print(json.dumps(sorted(m for m in ('alembic', 'sqlalchemy', 'mako', 'jinja2', 'pymongo', 'psycopg') if m in sys.modules)))\n"
)


def test_heads_are_read_once_per_content(tmp_path, monkeypatch):
    monkeypatch.setenv("DATASTACK_STATE_ROOT", str(tmp_path / "state"))
    scripts = tmp_path / "algo_trading"
    shutil.copytree(SCRIPTS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    asked = []

    def read(directory):
        asked.append(directory)
        return ["0001"]

    assert script_heads.cached_heads(scripts, read) == ("0001",)
    assert script_heads.cached_heads(scripts, read) == ("0001",)
    assert len(asked) == 1
    (scripts / "versions" / "0009_new.py").write_text("revision = '0009'\n")
    assert script_heads.cached_heads(scripts, lambda d: ["0009"]) == ("0009",)  # new content, new answer


def test_a_corrupt_cache_entry_is_asked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("DATASTACK_STATE_ROOT", str(tmp_path / "state"))
    entry = script_heads.cache_file(script_heads.scripts_digest(SCRIPTS))
    entry.parent.mkdir(parents=True)
    entry.write_text(json.dumps({"heads": []}))
    assert script_heads.cached_heads(SCRIPTS, lambda d: ["a"]) == ("a",)


def test_loading_a_spec_imports_no_driver_alembic_or_templates(tmp_path):
    env = {**os.environ, "DATASTACK_STATE_ROOT": str(tmp_path / "state")}
    run = [sys.executable, "-c", LOAD_AND_LIST_IMPORTS]
    cold = subprocess.run(run, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, check=True)
    assert "alembic" in json.loads(cold.stdout)  # nothing cached yet: Alembic answered
    warm = subprocess.run(run, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, check=True)
    assert json.loads(warm.stdout) == []
