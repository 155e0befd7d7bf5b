"""Redis ACL: exactly the declared users, each with the declared keys, channels and commands (compared by
effect), the default user off, and probes that least privilege holds."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace

import pytest

from checks.lib.redis import reader_login, scratch_key
from checks.lib.redis_acl import allowed_commands, command_table, describe, parse_acl_list


@pytest.fixture(scope="module")
def redis_spec(target):
    if target.spec.services.redis is None:
        pytest.skip("this environment declares no Redis")
    return target.spec.services.redis


def _admin(target, connections):
    target.require_admin("reading the ACL")
    return connections.redis(target.redis())


def _acl(target, connections) -> dict[str, dict]:
    return parse_acl_list(_admin(target, connections).acl_list())


def _table(target, connections):
    return connections.memo(("redis", "commands"), lambda: command_table(_admin(target, connections)))


def test_only_declared_users_exist(target, connections, redis_spec):
    client = _admin(target, connections)
    declared = {redis_spec.admin.name, "default"} | {u.name for u in redis_spec.users}
    extra = sorted(set(client.acl_users()) - declared)
    assert not extra, f"redis has undeclared ACL users: {', '.join(extra)} — fix: {target.fix} (or ACL DELUSER them)"
    default = client.acl_getuser("default")
    assert "off" in default["flags"], f"redis default user is on (flags {default['flags']}), declared off — fix: {target.fix}"


def test_user_acl_matches_spec(target, connections, redis_spec, redis_user):
    live = _acl(target, connections).get(redis_user.name)
    where = f"redis user {redis_user.name}"
    assert live is not None, f"{where} missing — fix: {target.fix}"
    problems = []
    if "on" not in live["flags"]:
        problems.append(f"flags {live['flags']} (declared on)")
    secret = target.secrets()[target.spec.services.redis.user_secret_id(redis_user.name)]
    if hashlib.sha256(secret.encode()).hexdigest() not in live["passwords"]:
        problems.append("password differs from its secret")
    keys = live["keys"]
    if keys != {f"~{k}" for k in redis_user.keys}:
        problems.append(f"keys {' '.join(sorted(keys)) or '(none)'} != declared {' '.join('~' + k for k in redis_user.keys)}")
    channels = live["channels"]
    if channels != {f"&{c}" for c in redis_user.channels}:
        problems.append(f"channels {' '.join(sorted(channels)) or '(none)'} != declared "
                        f"{' '.join('&' + c for c in redis_user.channels) or '(none)'}")
    table = _table(target, connections)
    have = allowed_commands(live["rules"], table)
    want = allowed_commands(["-@all", *redis_user.commands], table)
    if have - want:
        problems.append(f"may also run {describe(have - want, table)} (not declared)")
    if want - have:
        problems.append(f"may not run {describe(want - have, table)} (declared)")
    assert not problems, f"{where}: {'; '.join(problems)} — fix: {target.fix}"


def test_readonly_users_cannot_write(target, connections, redis_spec):
    import redis

    readonly = [u for u in redis_spec.users if u.access == "readonly"]
    if not readonly:
        pytest.skip("no readonly Redis user is declared")
    for user in readonly:
        client = connections.redis(target.redis(user.name))
        # SET ... XX on a key that cannot exist: refused when least privilege holds, a no-op if it does not.
        key = scratch_key(user.keys) + uuid.uuid4().hex
        try:
            client.set(key, "probe", xx=True)
        except redis.exceptions.NoPermissionError:
            continue
        pytest.fail(f"redis user {user.name} is readonly but may run SET — fix: {target.fix}", pytrace=False)


def test_app_users_cannot_run_dangerous_commands(target, connections, redis_spec):
    client = _admin(target, connections)
    apps = [u for u in redis_spec.users if u.access == "app"]
    if not apps:
        pytest.skip("no app Redis user is declared")
    table = _table(target, connections)
    dangerous = {c for c, cats in table.items() if "dangerous" in cats}
    acl = _acl(target, connections)
    for user in apps:
        rules = acl[user.name]["rules"] if user.name in acl else []
        declared = allowed_commands(["-@all", *user.commands], table)
        may = (allowed_commands(rules, table) & dangerous) - declared
        assert not may, f"redis app user {user.name} may run dangerous commands {describe(may, table)} — fix: {target.fix}"
        answer = client.execute_command("ACL", "DRYRUN", user.name, "FLUSHALL")
        if "flushall" not in declared:
            assert answer != "OK", f"redis app user {user.name} may run FLUSHALL — fix: {target.fix}"


def test_wrong_password_is_refused(target, connections, redis_spec):
    import redis

    login = reader_login(target)
    wrong = replace(login, password="wrong-" + uuid.uuid4().hex[:8])
    try:
        connections.open_redis(wrong).close()
    except pytest.fail.Exception as exc:
        assert "refused the login" in str(exc), str(exc)
        return
    except redis.exceptions.AuthenticationError:
        return
    pytest.fail(f"redis accepted a wrong password for {login.user} — fix: {target.up_fix}", pytrace=False)
