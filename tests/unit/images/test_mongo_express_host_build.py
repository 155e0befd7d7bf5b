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
