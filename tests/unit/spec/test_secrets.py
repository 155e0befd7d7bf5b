"""Secret references resolve from the environment, files, or a 0600 store of generated values."""

from __future__ import annotations

import stat

import pytest

from datastack.errors import UserError
from datastack.spec import SecretStore
from datastack.spec.environment import EnvironmentSpec


def spec(password: str, name: str = "local") -> EnvironmentSpec:
    return EnvironmentSpec.model_validate({
        "name": name,
        "services": {"redis": {"port": 56379, "admin": {"name": "admin", "password": password}}},
    })


def test_generated_once_kept_private_and_reused(tmp_path):
    store = SecretStore(spec("generate"), tmp_path, "env.yaml")
    first = store.resolve_all()
    again = SecretStore(spec("generate"), tmp_path, "env.yaml").resolve_all()
    assert first == again and len(first["redis.admin"]) >= 32
    assert stat.S_IMODE((tmp_path / "secrets.json").stat().st_mode) == 0o600


def test_env_reference(tmp_path, monkeypatch):
    monkeypatch.setenv("DS_TEST_REDIS_PW", "s3cret")
    assert SecretStore(spec("${env:DS_TEST_REDIS_PW}", "prod"), tmp_path, "env.yaml").resolve_all()["redis.admin"] == "s3cret"


def test_unset_env_reference_names_variable_and_fix(tmp_path, monkeypatch):
    monkeypatch.delenv("DS_TEST_MISSING", raising=False)
    with pytest.raises(UserError) as caught:
        SecretStore(spec("${env:DS_TEST_MISSING}", "prod"), tmp_path, "prod.yaml").resolve_all()
    message = caught.value.one_line()
    assert "prod.yaml" in message and "DS_TEST_MISSING" in message and "export" in message


def test_file_reference_and_missing_file(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("from-file\n")
    assert SecretStore(spec(f"${{file:{secret}}}", "prod"), tmp_path, "e.yaml").resolve_all()["redis.admin"] == "from-file"
    with pytest.raises(UserError) as caught:
        SecretStore(spec(f"${{file:{tmp_path}/absent}}", "prod"), tmp_path, "e.yaml").resolve_all()
    assert "absent" in caught.value.one_line()


def test_not_generating_when_asked_not_to(tmp_path):
    with pytest.raises(UserError) as caught:
        SecretStore(spec("generate"), tmp_path, "env.yaml").resolve_all(generate=False)
    assert "datastack up" in caught.value.one_line()
