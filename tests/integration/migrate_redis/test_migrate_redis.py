"""The Redis migrator against a real redis-server: ACL users and config from the spec, persisted,
idempotent, and what each user can really do afterwards."""

from __future__ import annotations

import pytest
import redis

from roles.redis.reconcile import migrate_redis, redis_status
from datastack.migrate.report import MigrateOptions

pytestmark = pytest.mark.integration


@pytest.fixture
def migrated(redis_env):
    migrate_redis(redis_env.spec, redis_env.endpoints, redis_env.secrets, MigrateOptions())
    return redis_env


def test_first_run_applies_spec_and_second_changes_nothing(redis_env):
    first = migrate_redis(redis_env.spec, redis_env.endpoints, redis_env.secrets, MigrateOptions())
    targets = {c.target for c in first.applied}
    assert {"acl user default", "acl user trading_app", "acl user session_service", "acl user rate_limiter",
            "acl user monitoring", "config maxmemory", "config maxmemory-policy", "config save"} <= targets
    admin = redis_env.client("admin")
    assert admin.config_get("maxmemory") == {"maxmemory": str(256 * 1024 * 1024)}
    assert admin.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
    assert admin.config_get("save") == {"save": "900 1 300 10"}

    second = migrate_redis(redis_env.spec, redis_env.endpoints, redis_env.secrets, MigrateOptions())
    assert (second.planned, second.applied, second.drift) == ([], [], [])
    assert redis_status(redis_env.spec, redis_env.endpoints, redis_env.secrets).notes == ["in sync with the spec"]


def test_acl_is_persisted_to_the_acl_file(migrated):
    lines = migrated.acl_file.read_text().splitlines()
    assert any(line.startswith("user default off") for line in lines)
    assert any(line.startswith("user session_service on") and "~sess:*" in line for line in lines)
    assert all(migrated.secrets["redis.users.session_service"] not in line for line in lines)  # hashes only


def test_default_user_is_refused(migrated):
    with pytest.raises(redis.AuthenticationError):
        migrated.client().ping()
    with pytest.raises(redis.AuthenticationError):
        migrated.client("default", "anything").ping()


def test_users_are_refused_outside_their_keys_and_commands(migrated):
    session = migrated.client("session_service")
    session.set("sess:1", "v")
    assert session.get("sess:1") == "v"
    with pytest.raises(redis.exceptions.NoPermissionError):
        session.set("rl:1", "v")
    with pytest.raises(redis.exceptions.NoPermissionError):
        session.flushall()

    limiter = migrated.client("rate_limiter")
    assert limiter.incr("rl:client-1") == 1
    with pytest.raises(redis.exceptions.NoPermissionError):
        limiter.get("sess:1")
    with pytest.raises(redis.exceptions.NoPermissionError):
        limiter.publish("app:events", "x")  # no pub/sub category, no channels

    monitoring = migrated.client("monitoring")
    assert monitoring.get("sess:1") == "v"
    assert monitoring.ping()
    with pytest.raises(redis.exceptions.NoPermissionError):
        monitoring.set("sess:1", "overwritten")
    with pytest.raises(redis.exceptions.NoPermissionError):
        monitoring.config_get("maxmemory")

    app = migrated.client("trading_app")
    app.set("app:k", "v")
    assert app.publish("app:events", "x") == 0
    with pytest.raises(redis.exceptions.NoPermissionError):
        app.set("other:k", "v")
    with pytest.raises(redis.exceptions.NoPermissionError):
        app.publish("other:events", "x")
    with pytest.raises(redis.exceptions.NoPermissionError):
        app.flushdb()  # -@dangerous


def test_drift_is_repaired_and_undeclared_users_reported(migrated):
    admin = migrated.client("admin")
    admin.execute_command("ACL", "SETUSER", "session_service", "~*", "+@dangerous")
    admin.execute_command("ACL", "SETUSER", "intruder", "on", ">pw", "~*", "+@all")
    admin.config_set("maxmemory-policy", "noeviction")
    report = migrate_redis(migrated.spec, migrated.endpoints, migrated.secrets, MigrateOptions())
    assert {(c.target, c.action) for c in report.applied} == {
        ("acl user session_service", "reset_user"), ("config maxmemory-policy", "config_set")}
    assert report.drift == ["acl user intruder is not in the spec (--prune deletes it)"]
    with pytest.raises(redis.exceptions.NoPermissionError):
        migrated.client("session_service").set("x", "1")

    pruned = migrate_redis(migrated.spec, migrated.endpoints, migrated.secrets, MigrateOptions(prune=True))
    assert [(c.target, c.action) for c in pruned.applied] == [("acl user intruder", "delete_user")]
    assert "intruder" not in admin.acl_users()


def test_dry_run_changes_nothing(redis_env):
    report = migrate_redis(redis_env.spec, redis_env.endpoints, redis_env.secrets, MigrateOptions(dry_run=True))
    assert report.planned and not report.applied
    assert redis_env.client().ping()  # the default user is still open: nothing was applied
