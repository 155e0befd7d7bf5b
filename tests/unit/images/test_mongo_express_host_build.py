"""The host mongo-express build: cached by version hash, and a clear error without node."""

from __future__ import annotations

import pytest

from datastack.errors import UserError
from roles.mongo_express import host_build as meb


def test_cached_build_is_returned_without_running_npm(tmp_path, monkeypatch):
    target = tmp_path / f"mongo-express-{meb.build_hash()}"
    target.mkdir()
    (target / meb.START_SCRIPT).write_text("#!/bin/sh\n")
    monkeypatch.setattr(meb, "run_with_ticker", lambda *a, **k: pytest.fail("must not rebuild"))
    assert meb.ensure_mongo_express_build(tmp_path) == target
    assert meb.mongo_express_command(target) == [str(target / meb.START_SCRIPT)]


def test_build_hash_is_stable():
    assert meb.build_hash() == meb.build_hash()


def test_missing_node_is_a_user_error_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(meb, "system_program", lambda name: None)
    with pytest.raises(UserError, match="apt-get install -y nodejs npm"):
        meb.ensure_mongo_express_build(tmp_path)


def test_env_turns_basic_auth_on():
    env = meb.mongo_express_env("mongodb://h:1/", "u", "p", port=9000)
    assert env["ME_CONFIG_BASICAUTH"] == "true" and env["PORT"] == "9000" and env["VCAP_APP_HOST"] == "127.0.0.1"


def _process_alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_build_that_never_ends_gives_up_at_its_limit_and_kills_what_it_started(tmp_path, monkeypatch):
    """An npm retrying a registry it cannot verify printed progress for ever; now the build stops at its limit,
    takes npm's children with it and says what to do."""
    import time

    from datastack.errors import RuntimeFailure

    recipe = tmp_path / "recipe"
    recipe.mkdir()
    child_pid = tmp_path / "child.pid"
    # Stands in for npm: a child that would outlive its shell, like npm's own workers.
    (recipe / meb.BUILD_SCRIPT).write_text(f"sleep 300 &\necho $! > {child_pid}\necho 'npm http fetch GET attempt 5'\nwait\n")
    monkeypatch.setattr(meb, "RECIPE_DIR", recipe)
    monkeypatch.setattr(meb, "build_hash", lambda: "test")
    monkeypatch.setattr(meb, "_check_node", lambda: ("/bin/true", "/bin/true"))
    monkeypatch.setenv(meb.BUILD_LIMIT_VARIABLE, "1.5")
    started = time.monotonic()
    with pytest.raises(RuntimeFailure) as caught:
        meb.ensure_mongo_express_build(tmp_path / "cache")
    assert time.monotonic() - started < 10
    message = caught.value.one_line()
    assert "gave up after 2 s" in message and "npm http fetch GET attempt 5" in message
    assert meb.BUILD_LIMIT_VARIABLE in message
    assert not _process_alive(int(child_pid.read_text())), "the build's child outlived the limit"
    assert not list((tmp_path / "cache").glob(".mongo-express-building-*")), "half a build was left behind"


def test_a_limit_that_is_not_a_number_is_a_user_error(monkeypatch):
    monkeypatch.setenv(meb.BUILD_LIMIT_VARIABLE, "ten minutes")
    with pytest.raises(UserError, match=meb.BUILD_LIMIT_VARIABLE):
        meb.build_limit_s()
