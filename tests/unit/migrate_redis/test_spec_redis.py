"""Bad Redis input fails at spec load with one line naming file, field and fix."""

import pytest
import yaml

from datastack.errors import UserError
from datastack.spec.load import load_spec_file
from roles.redis.spec import memory_bytes
from roles.redis.spec_acl import command_rule_problem, pattern_problem


def load(tmp_path, **redis):
    path = tmp_path / "ci.yaml"
    path.write_text(yaml.safe_dump({"name": "ci", "services": {"redis": redis}}))
    return load_spec_file(path)


def error(tmp_path, **redis) -> str:
    with pytest.raises(UserError) as err:
        load(tmp_path, **redis)
    message = str(err.value)
    assert "\n" not in message and "ci.yaml" in message and "fix:" in message
    return message


def test_unknown_maxmemory_policy_names_field_and_valid_values(tmp_path):
    message = error(tmp_path, maxmemory_policy="lru")
    assert "services.redis.maxmemory_policy: unknown maxmemory-policy" in message
    assert "allkeys-lru" in message and "volatile-ttl" in message


@pytest.mark.parametrize("commands, expected", [
    (["+@bogus"], "unknown ACL category @bogus"),
    (["+nosuchcommand"], "unknown Redis 7.0 command"),
    (["get"], "starts with + or -"),
    (["-select|0"], "cannot deny a first argument"),
    (["+config|bogus"], "config has no subcommand"),
    (["~sess:*"], "key patterns go in keys"),
    (["+@read +@write"], "without spaces"),
])
def test_acl_rules_redis_would_reject(tmp_path, commands, expected):
    message = error(tmp_path, users=[{"name": "u", "commands": commands}])
    assert "services.redis.users.0.commands" in message and expected in message


def test_bad_key_pattern_and_readonly_writer(tmp_path):
    assert "without '~'" in error(tmp_path, users=[{"name": "u", "keys": ["~x:*"]}])
    assert "is readonly but +@all without -@write" in error(
        tmp_path, users=[{"name": "u", "access": "readonly", "commands": ["+@all"]}])


def test_valid_rules_pass(tmp_path):
    spec = load(tmp_path, users=[{"name": "u", "keys": ["a:*"], "commands": ["+@read", "-@dangerous", "+config|get",
                                                                            "+select|0", "+INFO"]}])
    assert spec.services.redis.users[0].commands[-1] == "+INFO"
    assert command_rule_problem("allcommands") is None and pattern_problem("a b", "~")


def test_memory_sizes_as_redis_reads_them(tmp_path):
    assert memory_bytes("256mb") == 256 * 1024**2
    assert memory_bytes("1g") == 10**9
    assert memory_bytes("0") == 0
    assert "not a Redis memory size" in error(tmp_path, maxmemory="lots")
