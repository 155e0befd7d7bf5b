"""Secret conventions: every unstated secret read from one pattern; stated references win; clashes refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from datastack.errors import UserError
from datastack.spec import SecretStore, load_spec_file

SPEC = """
name: qa
tier: shared
secrets:
  default: "{default}"
services:
  redis:
    port: 56379
    admin: {{name: admin}}
    users:
      - {{name: trading_app, keys: ["app:*"]}}
      - {{name: monitoring, access: readonly, keys: ["*"], commands: ["+@read"], password: "${{env:DS_TEST_STATED}}"}}
"""


def spec_file(tmp_path: Path, default: str) -> Path:
    path = tmp_path / "qa.yaml"
    path.write_text(SPEC.format(default=default))
    return path


def test_file_convention_fills_every_unstated_secret_and_the_stated_one_wins(tmp_path):
    spec = load_spec_file(spec_file(tmp_path, "${file:" + str(tmp_path) + "/secrets/{path}}"))
    assert dict(spec.secret_refs()) == {
        "redis.admin": f"${{file:{tmp_path}/secrets/redis/admin}}",
        "redis.users.trading_app": f"${{file:{tmp_path}/secrets/redis/users/trading_app}}",
        "redis.users.monitoring": "${env:DS_TEST_STATED}",
    }


def test_env_convention_resolves_through_the_secret_store(tmp_path, monkeypatch):
    spec = load_spec_file(spec_file(tmp_path, "${env:DS_TEST_{ID}}"))
    monkeypatch.setenv("DS_TEST_REDIS_ADMIN", "a-secret")
    monkeypatch.setenv("DS_TEST_REDIS_USERS_TRADING_APP", "b-secret")
    monkeypatch.setenv("DS_TEST_STATED", "c-secret")
    assert SecretStore(spec, tmp_path, "qa.yaml").resolve_all() == {
        "redis.admin": "a-secret", "redis.users.trading_app": "b-secret", "redis.users.monitoring": "c-secret"}


def test_a_missing_conventional_secret_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("DS_TEST_REDIS_ADMIN", raising=False)
    spec = load_spec_file(spec_file(tmp_path, "${env:DS_TEST_{ID}}"))
    with pytest.raises(UserError, match="DS_TEST_REDIS_ADMIN is not set"):
        SecretStore(spec, tmp_path, "qa.yaml").resolve_all(only={"redis.admin"})


def test_without_a_convention_an_unstated_secret_is_generated_only_in_development(tmp_path):
    path = tmp_path / "qa.yaml"
    path.write_text("name: qa\ntier: shared\nservices:\n  redis: {port: 56379}\n")
    with pytest.raises(UserError, match="redis.admin: 'generate' is only for tier development"):
        load_spec_file(path)
    path.write_text("name: qa\nservices:\n  redis: {port: 56379}\n")
    assert dict(load_spec_file(path).secret_refs()) == {"redis.admin": "generate"}


def test_a_stated_generate_is_not_replaced_by_the_convention(tmp_path):
    path = tmp_path / "dev.yaml"
    path.write_text(SPEC.replace("tier: shared", "tier: development").replace("{name: admin}", "{name: admin, password: generate}")
                    .format(default="${env:DS_TEST_{ID}}"))
    assert dict(load_spec_file(path).secret_refs())["redis.admin"] == "generate"


def test_two_secrets_folded_onto_one_variable_are_refused(tmp_path):
    path = tmp_path / "qa.yaml"
    path.write_text('name: qa\ntier: shared\nsecrets: {default: "${env:X_{ID}}"}\nservices:\n  redis:\n    port: 56379\n'
                    '    users:\n      - {name: a.b, keys: ["a:*"]}\n      - {name: a_b, keys: ["b:*"]}\n')
    with pytest.raises(UserError) as caught:
        load_spec_file(path)
    line = caught.value.one_line()
    assert "redis.users.a.b and redis.users.a_b would read the same secret" in line and caught.value.exit_code == 2
