"""roles/mongodb/keyfile.py: mongod's keyFile rules (6-1024 base64 characters, whitespace ignored), checked at plan
time — before any file is written — and reported as exit 2 without echoing the secret."""

from __future__ import annotations

import pytest

from roles.mongodb.keyfile import keyfile_problem


@pytest.mark.parametrize("content", ["abcdef", "a" * 1024, "QUJD\nREVG\n", "k3y+/==" * 10])
def test_mongod_accepts(content):
    assert keyfile_problem(content) is None


@pytest.mark.parametrize("content, why", [
    ("abcde", "5 characters"), ("a" * 1025, "1025 characters"), ("p@ssw0rd!", "base64 set"), ("key_file-value", "base64 set"),
])
def test_mongod_refuses(content, why):
    assert why in keyfile_problem(content)


@pytest.mark.parametrize("target", ["local", "container"])
def test_a_bad_keyfile_stops_the_plan_with_exit_2_and_never_echoes_it(tmp_path, target):
    """Every engine builds its plan before touching anything (the Pulumi program too, in infra/config.py)."""
    from datastack.errors import UserError
    from datastack.plan import build_plan
    from datastack.plan.toolchain import Toolchain
    from datastack.spec import load_environment
    from tests.support.pulumi_mocks import fake_secrets

    spec, _ = load_environment("dev", None)
    secret = "not-base64!" * 3
    secrets = {**fake_secrets(spec), "mongodb.keyfile": secret}
    with pytest.raises(UserError) as refused:
        build_plan(spec, Toolchain(python="python3", programs={"mongod": "/usr/bin/mongod"}), secrets, tmp_path / "state", target=target)
    line = refused.value.one_line()
    assert refused.value.exit_code == 2 and "\n" not in line
    assert "services.mongodb.keyfile" in line and "base64" in line and "fix:" in line
    assert "not-base64" not in line
    assert not (tmp_path / "state").exists(), "nothing written"
