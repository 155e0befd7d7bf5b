"""The spec's Python ACL-rule check agrees with redis-server 7.0 itself, rule by rule."""

from __future__ import annotations

import pytest
import redis

from roles.redis.spec_acl import command_rule_problem

pytestmark = pytest.mark.integration

RULES = ["+@read", "-@dangerous", "+@all", "+@READ", "+@bogus", "+get", "-flushall", "+bogus", "+config|get",
         "-config|set", "+config|bogus", "+select|0", "-select|0", "+acl|setuser|x", "+", "-", "+@", "get",
         "allcommands", "nocommands", "+client|kill", "+CONFIG|GET", "+get|"]


@pytest.mark.parametrize("rule", RULES)
def test_python_verdict_equals_redis_verdict(redis_env, rule):
    admin = redis_env.client("admin")
    try:
        admin.execute_command("ACL", "SETUSER", "rule_probe", "reset", rule)
        redis_accepts = True
    except redis.ResponseError:
        redis_accepts = False
    finally:
        admin.execute_command("ACL", "DELUSER", "rule_probe")
    assert (command_rule_problem(rule) is None) == redis_accepts
