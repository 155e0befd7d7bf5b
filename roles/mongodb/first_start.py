"""MongoDB's first start: initiate the replica set (real mongod) and create the first administrator. Nothing else.

Reached without auth — through the localhost exception on a real mongod, or during the stand-in's private
first boot — so only the administrator can be made here; the database users and roles are the reconciler's.
"""

from __future__ import annotations

import time

from datastack.errors import RuntimeFailure
from datastack.plan.model import BootstrapStep

USER_EXISTS = 51003
ALREADY_INITIALIZED = 23
PRIMARY_TIMEOUT_S = 60


def run_first_start(steps: list[BootstrapStep], host: str, port: int, secrets: dict[str, str], say=lambda line: None) -> None:
    """One executor per step kind, in the plan's order; a replica set is awaited until every member has its state."""
    import pymongo

    initiate = next((s for s in steps if s.action == "mongo_initiate_replica_set"), None)
    if initiate is not None:
        host, port = _split(initiate.params["primary"])
    client = pymongo.MongoClient(host=host, port=port, directConnection=True, serverSelectionTimeoutMS=5000)
    try:
        for step in steps:
            EXECUTORS[step.action](client, step, secrets, say)
    finally:
        client.close()
    if initiate is not None:
        admin = next(s for s in steps if s.action == "mongo_create_admin")
        wait_for_members(host, port, admin.params["user"], secrets[admin.params["secret_id"]], len(initiate.params["members"]))


def create_admin(client, step: BootstrapStep, secrets: dict[str, str], say) -> None:
    """The first administrator; on a rerun after a partial first start it already exists, which is fine."""
    from pymongo.errors import OperationFailure

    user = step.params["user"]
    try:
        client.admin.command("createUser", user, pwd=secrets[step.params["secret_id"]],
                             roles=[{"role": "root", "db": "admin"}], mechanisms=["SCRAM-SHA-256"])
    except OperationFailure as exc:
        # 13 Unauthorized: the localhost exception closed because an earlier run made the admin.
        if exc.code not in (USER_EXISTS, 13):
            raise RuntimeFailure(f"could not create MongoDB administrator {user}: {exc.details.get('errmsg', exc)}") from None
    say(f"administrator {step.target} ready")


def initiate_replica_set(client, step: BootstrapStep, secrets: dict[str, str], say) -> None:
    from pymongo.errors import OperationFailure

    members = [{"_id": i, "host": h} for i, h in enumerate(step.params["members"])]
    try:
        client.admin.command("replSetInitiate", {"_id": step.target, "members": members})
        say(f"replica set {step.target} initiated with {len(members)} members")
    except OperationFailure as exc:
        if exc.code != ALREADY_INITIALIZED:
            raise RuntimeFailure(f"replSetInitiate failed: {exc.details.get('errmsg', exc)}") from None
    deadline = time.monotonic() + PRIMARY_TIMEOUT_S
    while time.monotonic() < deadline:
        if client.admin.command("hello").get("isWritablePrimary"):
            return
        time.sleep(0.25)
    raise RuntimeFailure(f"replica set {step.target} elected no PRIMARY within {PRIMARY_TIMEOUT_S}s",
                         fix="read the member logs with 'datastack logs mongodb-0'")


EXECUTORS = {"mongo_initiate_replica_set": initiate_replica_set, "mongo_create_admin": create_admin}


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


def _split(address: str) -> tuple[str, int]:
    host, port = address.rsplit(":", 1)
    return host, int(port)
