"""MongoDB users: exactly the declared users with exactly their roles, and probes that least privilege holds."""

from __future__ import annotations

import uuid

import pytest

from checks.lib.mongodb import SCRATCH, WRITE_ACTIONS, WRITING_ROLES


@pytest.fixture(scope="module")
def mongo_spec(target):
    if target.spec.services.mongodb is None:
        pytest.skip("this environment declares no MongoDB")
    return target.spec.services.mongodb


def _users_info(connections, target, database: str) -> dict[str, set[tuple[str, str]]]:
    def read():
        reply = connections.mongo(target.mongo())[database].command("usersInfo", 1)
        return {u["user"]: {(r["role"], r["db"]) for r in u.get("roles", [])} for u in reply.get("users", [])}

    return connections.memo(("mongodb", "users", database), read)


def test_user_has_exactly_declared_roles(target, connections, mongo_spec, mongo_user):
    db, user = mongo_user
    declared = {(g.role, g.db or db) for g in user.grants(db)}
    if target.read_only:
        if user.access != "readonly":
            pytest.skip("read-only mode: reading other users' roles needs administrator credentials")
        status = connections.mongo(target.mongo(user.name)).admin.command("connectionStatus")
        live = {(r["role"], r["db"]) for r in status["authInfo"]["authenticatedUserRoles"]}
    else:
        users = _users_info(connections, target, db)
        assert user.name in users, f"mongodb {db}: user {user.name} missing — fix: {target.fix}"
        live = users[user.name]
    extra, missing = sorted(live - declared), sorted(declared - live)
    assert not (extra or missing), (f"mongodb {db}.{user.name}: roles differ: "
                                    f"{_roles('not declared', extra)}{'; ' if extra and missing else ''}{_roles('missing', missing)}"
                                    f" — fix: {target.fix}")


def test_no_undeclared_users(target, connections, mongo_spec):
    target.require_admin("listing users")
    declared = {"admin": {mongo_spec.admin.name}}
    for db, d in mongo_spec.databases.items():
        declared.setdefault(db, set()).update(u.name for u in d.users)
    extra = []
    for db, names in declared.items():
        extra += [f"{db}.{u}" for u in sorted(set(_users_info(connections, target, db)) - names)]
    assert not extra, f"mongodb has undeclared users: {', '.join(extra)} — fix: remove them (db.dropUser) or declare them in the spec"


def test_readonly_users_cannot_write(target, connections, mongo_spec):
    readonly = [(db, u) for db, d in mongo_spec.databases.items() for u in d.users if u.access == "readonly"]
    if not readonly:
        pytest.skip("no readonly MongoDB user is declared")
    for db, user in readonly:
        client = connections.mongo(target.mongo(user.name))
        granted = _granted_actions(client, db) & WRITE_ACTIONS
        roles = client.admin.command("connectionStatus")["authInfo"]["authenticatedUserRoles"]
        writing = sorted(f"{r['role']}@{r['db']}" for r in roles if r["role"] in WRITING_ROLES)
        assert not (granted or writing), (
            f"mongodb {db}.{user.name} is readonly but may {', '.join(sorted(granted) + writing)} "
            f"— fix: {target.fix} (its roles must be read-only)")
        if not target.read_only:
            _assert_refused(lambda: client[db][SCRATCH].insert_one({"probe": uuid.uuid4().hex}),
                            f"mongodb {db}.{user.name} (readonly) inserted into {db}.{SCRATCH}",
                            cleanup=lambda: connections.mongo(target.mongo())[db].drop_collection(SCRATCH), fix=target.fix)


def test_app_users_cannot_drop_databases_or_manage_users(target, connections, mongo_spec):
    target.require_admin("probing app users (their credentials are not read-only)")
    apps = [(db, u) for db, d in mongo_spec.databases.items() for u in d.users if u.access == "app"]
    if not apps:
        pytest.skip("no app MongoDB user is declared")
    for db, user in apps:
        client = connections.mongo(target.mongo(user.name))
        granted = _granted_actions(client, db) & {"dropDatabase", "createUser", "dropUser", "grantRole", "changePassword"}
        assert not granted, f"mongodb {db}.{user.name} is an app user but may {', '.join(sorted(granted))} — fix: {target.fix}"
        probe = f"_datastack_probe_{uuid.uuid4().hex[:8]}"
        _assert_refused(lambda: client[db].command("createUser", probe, pwd=uuid.uuid4().hex, roles=[]),
                        f"mongodb {db}.{user.name} (app) created a user",
                        cleanup=lambda: connections.mongo(target.mongo())[db].command("dropUser", probe), fix=target.fix)


def test_wrong_password_is_refused(target, connections, mongo_spec):
    from dataclasses import replace

    from pymongo.errors import AutoReconnect, OperationFailure

    db, user = next(((db, u) for db, d in mongo_spec.databases.items() for u in d.users
                     if not target.read_only or u.access == "readonly"), (None, None))
    if user is None:
        pytest.skip("no MongoDB user to probe with")
    real = target.mongo(user.name)

    client = connections.open_mongo(replace(real, password=real.password + "-wrong"), verify=False)
    try:
        client.admin.command("ping")
        with pytest.raises(OperationFailure):
            client[db].list_collection_names()
    except (pytest.fail.Exception, AutoReconnect):  # a server that stops answering is reported by the conftest hook
        raise
    except Exception as exc:  # pymongo raises on auth at first use; anything but auth failure is a finding
        if "Authentication failed" not in str(exc) and getattr(exc, "code", None) != 18:
            pytest.fail(f"mongodb: a wrong password for {user.name} gave {type(exc).__name__}: {exc}", pytrace=False)
    finally:
        client.close()


def _granted_actions(client, database: str) -> set[str]:
    status = client.admin.command("connectionStatus", showPrivileges=True)
    actions = set()
    for p in status["authInfo"].get("authenticatedUserPrivileges", []):
        resource = p.get("resource", {})
        if resource.get("db") in (database, "") or resource.get("anyResource") or resource.get("cluster"):
            actions.update(p.get("actions", []))
    return actions


def _assert_refused(attempt, what: str, *, cleanup, fix: str) -> None:
    from pymongo.errors import OperationFailure

    try:
        attempt()
    except OperationFailure as exc:
        if exc.code == 13:  # Unauthorized: least privilege holds
            return
        raise
    cleanup()
    pytest.fail(f"{what}: it should have been refused — fix: {fix}", pytrace=False)


def _roles(label: str, roles) -> str:
    return f"{label} {', '.join(f'{r}@{d}' for r, d in roles)}" if roles else ""
