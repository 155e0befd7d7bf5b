"""Every bad input of the spine is rejected with one line naming the file, the field and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from datastack.errors import UserError
from datastack.spec import load_environment, load_spec_file

BASE = """
name: local
services:
  postgres:
    port: 55432
    databases:
      algo_trading:
        users:
          - {name: algo_trading_app, access: app}
  redis:
    port: 56379
    users:
      - {name: trading_app, keys: ["app:*"]}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "env.yaml"
    path.write_text(text)
    return path


def rejected(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(UserError) as caught:
        load_spec_file(path)
    message = caught.value.one_line()
    assert caught.value.exit_code == 2
    assert "\n" not in message
    assert str(path) in message or path.name in message
    assert "fix:" in message
    return message


def test_a_valid_spec_loads(tmp_path):
    spec = load_spec_file(write(tmp_path, BASE))
    assert spec.services.postgres.port == 55432
    assert [u.name for u in spec.services.redis.users] == ["trading_app"]


def test_malformed_yaml_names_line(tmp_path):
    message = rejected(tmp_path, "name: local\nservices:\n  redis: {port: 1\n")
    assert "malformed YAML" in message
    assert "env.yaml:" in message


def test_misspelled_key_suggests_the_right_one(tmp_path):
    message = rejected(tmp_path, BASE.replace("port: 56379", "prot: 56379"))
    assert "services.redis.prot" in message
    assert "did you mean 'port'" in message


def test_unknown_top_level_key(tmp_path):
    message = rejected(tmp_path, BASE + "colour: blue\n")
    assert "unknown key 'colour'" in message


def test_wrong_type(tmp_path):
    message = rejected(tmp_path, BASE.replace("port: 55432", "port: fifty"))
    assert "services.postgres.port" in message and "integer" in message


def test_two_services_on_one_port(tmp_path):
    message = rejected(tmp_path, BASE.replace("port: 56379", "port: 55432"))
    assert "port 55432 is used by both postgres and redis" in message


def test_literal_password_is_refused_and_not_echoed(tmp_path):
    message = rejected(tmp_path, BASE.replace("{name: trading_app,", "{name: trading_app, password: hunter2,"))
    assert "services.redis.users.0.password" in message
    assert "hunter2" not in message


@pytest.mark.parametrize("tier", ["shared", "production"])
def test_generated_secrets_only_in_tier_development(tmp_path, tier):
    message = rejected(tmp_path, BASE.replace("name: local", f"name: qa\ntier: {tier}"))
    assert f"'generate' is only for tier development, this is tier {tier}" in message


def test_unknown_environment_name_lists_known(tmp_path):
    with pytest.raises(UserError) as caught:
        load_environment("nope")
    assert "local" in caught.value.one_line() and caught.value.exit_code == 2


def test_env_and_spec_together_is_bad_usage(tmp_path):
    with pytest.raises(UserError):
        load_environment("local", write(tmp_path, BASE))


def test_app_must_use_declared_users(tmp_path):
    text = BASE + "  apps:\n    - {name: web, port: 18080, uses: {postgres: [algo_trading, nobody]}}\n"
    message = rejected(tmp_path, text)
    assert "user 'nobody' is not declared" in message


def test_standalone_mongodb_has_one_member(tmp_path):
    text = BASE + "  mongodb: {topology: standalone, members: 3, port: 27117}\n"
    assert "exactly one member" in rejected(tmp_path, text)


def test_mongodb_members_ports_count_as_taken(tmp_path):
    text = BASE.replace("port: 55432", "port: 27118") + "  mongodb: {members: 3, port: 27117}\n"
    assert "port 27118" in rejected(tmp_path, text)


def test_production_binds_loopback_unless_the_service_is_exposed(tmp_path):
    text = BASE.replace("name: local", 'name: eu-live\ntier: production\nsecrets: {default: "${env:X_{ID}}"}')
    text = text.replace("port: 56379", "port: 56379\n    bind: 10.0.0.5")
    message = rejected(tmp_path, text)
    assert "services.redis: binds 10.0.0.5 in tier production" in message and "exposed:" in message
    load_spec_file(write(tmp_path, text.replace("tier: production", "tier: production\nexposed: [redis]")))
    load_spec_file(write(tmp_path, text.replace("tier: production", "tier: shared")))  # the rule is production's
    assert "exposed: 'reddis' is not a declared service" in rejected(
        tmp_path, text.replace("tier: production", "tier: production\nexposed: [reddis]"))


@pytest.mark.parametrize("name", ["../../etc/passwd", "base/bot-core", "Local", "local\n"])
def test_env_is_a_name_never_a_path(name):
    with pytest.raises(UserError) as caught:
        load_environment(name)
    assert "is not an environment name" in caught.value.one_line() and caught.value.exit_code == 2
