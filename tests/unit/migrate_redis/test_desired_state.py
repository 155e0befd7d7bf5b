"""What the Redis migrator wants, computed from the spec without a server."""

from roles.redis.reconcile.acl import desired_users, sha256
from roles.redis.reconcile.config import desired_config
from roles.redis.spec import RedisSpec


def spec() -> RedisSpec:
    return RedisSpec.model_validate({"maxmemory": "1mb", "persistence": {"rdb": [[60, 5]], "aof": True},
                                     "users": [{"name": "sess", "keys": ["sess:*"], "channels": ["c:*"],
                                                "commands": ["+@read"]}]})


def test_default_is_off_admin_is_all_and_users_start_from_nothing():
    secrets = {"redis.admin": "a", "redis.users.sess": "s"}
    default, admin, sess = desired_users(spec(), secrets)
    assert default.setuser_args() == ["reset", "off", "-@all"]
    assert admin.setuser_args() == ["reset", "on", f"#{sha256('a')}", "~*", "&*", "+@all"]
    assert sess.setuser_args(with_password=False) == ["reset", "on", "~sess:*", "&c:*", "-@all", "+@read"]


def test_config_as_config_get_answers():
    assert desired_config(spec()) == {"maxmemory": "1048576", "maxmemory-policy": "noeviction", "save": "60 5",
                                      "appendonly": "yes", "databases": "16"}
