"""The plan is pure: the same spec, toolchain and secrets give the same services, files and hashes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from datastack.plan import build_plan
from datastack.plan.toolchain import Toolchain
from datastack.spec import load_environment
from datastack.spec.secrets import masked

STATE = Path("/srv/state/local")


@pytest.fixture(scope="module")
def spec():
    return load_environment("local")[0]


def secrets_for(spec, value="pw"):
    return {key: f"{value}-{key}" for key, _ in spec.secret_refs()}


def laptop(**programs) -> Toolchain:
    found = {"postgres-bin": "/usr/lib/postgresql/15/bin", "redis-server": "/usr/bin/redis-server", **programs}
    return Toolchain(python="/usr/bin/python3", programs=found,
                     service_users={"postgres": "postgres", "redis": "redis", "mongodb": "mongodb", "app": "datastack"})


def test_without_mongod_the_standin_runs_and_the_plan_says_so(spec):
    plan = build_plan(spec, laptop(), secrets_for(spec), STATE)
    assert [s.name for s in plan.services] == ["mongodb", "postgres", "redis", "app-reference"]
    mongo = plan.service("mongodb")
    assert mongo.implementation == "secantus" and mongo.ports == [27117]
    assert any("stand-in" in n and "replica set of 3" in n for n in plan.notes)
    assert mongo.bootstrap_command and "{port}" in mongo.bootstrap_command


def test_with_mongod_a_three_member_replica_set_with_keyfile(spec):
    plan = build_plan(spec, laptop(mongod="/usr/bin/mongod"), secrets_for(spec), STATE)
    members = plan.by_role("mongodb")
    assert [m.ports for m in members] == [[27117], [27118], [27119]]
    keyfiles = [f for m in members for f in m.files if f.path.endswith("keyfile")]
    assert len(keyfiles) == 3 and all(f.mode == 0o400 and f.secret for f in keyfiles)
    conf = members[0].files[0].content
    parsed = yaml.safe_load(conf)
    assert parsed["replication"]["replSetName"] == "rs0" and parsed["security"]["authorization"] == "enabled"
    assert parsed["net"]["bindIp"] == "127.0.0.1"
    initiate, admin = members[-1].bootstrap
    assert initiate.action == "mongo_initiate_replica_set"
    assert initiate.params["members"] == ["127.0.0.1:27117", "127.0.0.1:27118", "127.0.0.1:27119"]
    # The first start makes the administrator only; the database users are the reconciler's, run after start.
    assert (admin.action, admin.target) == ("mongo_create_admin", "admin.admin")
    assert [m.reconcile_logins for m in members] == [False, False, True]


def test_postgres_renders_scram_only_and_loopback(spec):
    pg = build_plan(spec, laptop(), secrets_for(spec), STATE).service("postgres")
    conf, hba = pg.files
    assert "listen_addresses = '127.0.0.1'" in conf.content and "port = 55432" in conf.content
    assert "password_encryption = 'scram-sha-256'" in conf.content
    methods = {line.split()[-1] for line in hba.content.splitlines() if line and not line.startswith("#")}
    assert methods == {"scram-sha-256"}
    assert pg.run_as == "postgres" and pg.stop_signal == "SIGINT"
    assert "--auth-host=scram-sha-256" in pg.init.command


def test_redis_acl_disables_default_and_hashes_passwords(spec):
    secrets = secrets_for(spec)
    redis = build_plan(spec, laptop(), secrets, STATE).service("redis")
    conf, acl = redis.files
    assert 'bind "127.0.0.1"' in conf.content and 'maxmemory-policy "allkeys-lru"' in conf.content
    assert acl.secret and acl.mode == 0o600 and acl.first_start_only
    lines = acl.content.splitlines()
    assert lines[0].startswith("user default off")
    # Only the first administrator: every other user is the reconciler's (ACL SETUSER, then ACL SAVE).
    assert [line.split()[1] for line in lines[1:]] == ["admin"]
    assert not any(value in acl.content for value in secrets.values())  # only sha256 digests on disk
    assert redis.reconcile_logins


def test_app_gets_least_privileged_credentials_only(spec):
    secrets = secrets_for(spec)
    app = build_plan(spec, laptop(), secrets, STATE).service("app-reference")
    env = app.environment
    assert "bot_core_app:" in env["MONGODB_URI"] and "algo_trading_app:" in env["POSTGRES_URI"]
    assert "trading_app:" in env["REDIS_URI"]
    admin_values = [v for k, v in secrets.items() if k.endswith("admin") or k.endswith("superuser") or "owner" in k]
    assert not any(v in " ".join(env.values()) for v in admin_values)
    assert set(app.secret_environment) == {"MONGODB_URI", "POSTGRES_URI", "REDIS_URI"}
    assert app.depends_on == ["mongodb", "postgres", "redis"]


def test_config_hash_moves_with_config_only(spec):
    first = build_plan(spec, laptop(), secrets_for(spec), STATE)
    same = build_plan(spec, laptop(), secrets_for(spec), STATE)
    other = build_plan(spec, laptop(), secrets_for(spec, "changed"), STATE)
    assert [s.config_hash() for s in first.services] == [s.config_hash() for s in same.services]
    # A rotated secret restarts only what reads it at run time: the app's URIs, not the stores (their reconcilers
    # apply new passwords live; the files that carry one are read by the first start only).
    assert first.service("app-reference").config_hash() != other.service("app-reference").config_hash()
    for store in ("mongodb", "postgres", "redis"):
        assert first.service(store).config_hash() == other.service(store).config_hash(), store
    rotated = {**secrets_for(spec, "changed"), "mongodb.keyfile": secrets_for(spec)["mongodb.keyfile"]}  # members need a restart
    before = build_plan(spec, laptop(), secrets_for(spec), STATE, target="container")
    after = build_plan(spec, laptop(), rotated, STATE, target="container")
    for store in ("mongodb", "postgres", "redis"):
        hashes = [[s.config_hash() for s in plan.by_role(store)] for plan in (before, after)]
        assert hashes[0] == hashes[1], f"container {store}"


def test_masked_plan_holds_no_secret(spec):
    secrets = secrets_for(spec)
    shown = build_plan(spec, laptop(), masked(secrets), STATE).model_dump_json()
    assert not any(v in shown for v in secrets.values())


def test_every_template_starts_with_the_managed_header(spec):
    plan = build_plan(spec, laptop(mongod="/usr/bin/mongod"), secrets_for(spec), STATE)
    for svc in plan.services:
        for f in svc.files:
            if f.template.endswith("keyfile.j2") or f.template.endswith("users.acl.j2"):
                continue  # formats that allow no comment line
            assert f.content.startswith("# Managed by datastack"), f.template


def test_the_standins_unauthenticated_first_boot_listens_on_loopback_only(spec):
    """Whatever the spec's bind, the boot without auth (users not created yet) is never reachable from outside."""
    import tomllib

    exposed = spec.model_copy(update={"services": spec.services.model_copy(update={
        "mongodb": spec.services.mongodb.model_copy(update={"bind": "0.0.0.0"})})})
    mongo = build_plan(exposed, laptop(), secrets_for(exposed), STATE).by_role("mongodb")[0]
    files = {Path(f.path).name: tomllib.loads(f.content) for f in mongo.files}
    assert files["secantusd-bootstrap.toml"]["server"] == {**files["secantusd-bootstrap.toml"]["server"],
                                                          "host": "127.0.0.1", "auth": False}
    assert files["secantusd.toml"]["server"]["host"] == "0.0.0.0" and files["secantusd.toml"]["server"]["auth"] is True
