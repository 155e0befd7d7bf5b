"""Run MongoDB bootstrap steps: initiate the replica set, then create (or update) users."""

from __future__ import annotations

import time

from ..errors import RuntimeFailure
from ..plan.model import BootstrapStep

USER_EXISTS = 51003
PRIMARY_TIMEOUT_S = 60


def run_mongo_bootstrap(host: str, port: int, steps: list[BootstrapStep], secrets: dict[str, str],
                        *, admin_user: str, say=lambda line: None) -> None:
    """Connect without auth (first boot, or the localhost exception); once the admin user exists
    on a real mongod the exception closes, so later steps authenticate as that admin."""
    import pymongo

    client = pymongo.MongoClient(host=host, port=port, directConnection=True, serverSelectionTimeoutMS=5000)
    try:
        for step in steps:
            if step.action == "mongo_initiate_replica_set":
                initiate_replica_set(client, step, say)
            elif step.action == "mongo_create_user":
                p = step.params
                create_or_update_user(client, p["db"], p["user"], secrets[p["secret_id"]], p["roles"])
                say(f"user {step.target} ready")
                if p["user"] == admin_user and p["db"] == "admin" and _auth_required(client):
                    client.close()
                    client = pymongo.MongoClient(host=host, port=port, directConnection=True, username=admin_user,
                                                 password=secrets[p["secret_id"]], authSource="admin",
                                                 serverSelectionTimeoutMS=5000)
    finally:
        client.close()


def create_or_update_user(client, db: str, user: str, password: str, roles: list[dict]) -> None:
    from pymongo.errors import OperationFailure

    try:
        client[db].command("createUser", user, pwd=password, roles=roles, mechanisms=["SCRAM-SHA-256"])
    except OperationFailure as exc:
        if exc.code != USER_EXISTS:
            raise RuntimeFailure(f"could not create MongoDB user {db}.{user}: {exc.details.get('errmsg', exc)}") from None
        client[db].command("updateUser", user, pwd=password, roles=roles)


def initiate_replica_set(client, step: BootstrapStep, say) -> None:
    from pymongo.errors import OperationFailure

    members = [{"_id": i, "host": h} for i, h in enumerate(step.params["members"])]
    try:
        client.admin.command("replSetInitiate", {"_id": step.target, "members": members})
        say(f"replica set {step.target} initiated with {len(members)} members")
    except OperationFailure as exc:
        if exc.code != 23:  # AlreadyInitialized: a rerun after a partial bootstrap
            raise RuntimeFailure(f"replSetInitiate failed: {exc.details.get('errmsg', exc)}") from None
    deadline = time.monotonic() + PRIMARY_TIMEOUT_S
    while time.monotonic() < deadline:
        if client.admin.command("hello").get("isWritablePrimary"):
            return
        time.sleep(0.25)
    raise RuntimeFailure(f"replica set {step.target} elected no PRIMARY within {PRIMARY_TIMEOUT_S}s",
                         fix="read the member logs with 'datastack logs mongodb-0'")


def wait_for_members(host: str, port: int, admin: str, password: str, expected: int, timeout_s: float = 60) -> None:
    """Await one PRIMARY and expected-1 SECONDARY members (real replica sets only)."""
    import pymongo

    client = pymongo.MongoClient(host=host, port=port, directConnection=True, username=admin, password=password,
                                 authSource="admin", serverSelectionTimeoutMS=5000)
    try:
        deadline = time.monotonic() + timeout_s
        states: list[str] = []
        while time.monotonic() < deadline:
            states = [m["stateStr"] for m in client.admin.command("replSetGetStatus")["members"]]
            if states.count("PRIMARY") == 1 and states.count("SECONDARY") == expected - 1:
                return
            time.sleep(0.5)
        raise RuntimeFailure(f"replica set members are {states}, expected 1 PRIMARY and {expected - 1} SECONDARY",
                             fix="read the member logs with 'datastack logs mongodb'")
    finally:
        client.close()


def _auth_required(client) -> bool:
    """True on a real mongod (localhost exception just closed); False on the stand-in's open first boot."""
    from pymongo.errors import OperationFailure

    try:
        client.admin.command("usersInfo")
        return False
    except OperationFailure:
        return True
