"""MongoDB's first start: initiate the replica set (real mongod) and create the first administrator. Nothing else.

Safe to run again after any partial run (the local engine reruns it until it completes):
- `replSetGetStatus` first: only NotYetInitialized (94) leads to `replSetInitiate`; AlreadyInitialized (23) from a
  racing initiator is success too.
- Unauthorized (13) means a user exists, so the localhost exception is closed: everything else runs as the
  administrator (its password is the spec's), and the administrator is not created again.
- The wait accepts any PRIMARY (member 0 has the highest priority, but an election may pick another), and the
  administrator is created on whichever member is PRIMARY.
Reached without auth — through the localhost exception on a real mongod, or during the stand-in's private first
boot — so only the administrator can be made here; the database users and roles are the reconciler's.
Replies and codes as documented in the MongoDB manual (replSetGetStatus, replSetInitiate, hello, localhost exception)
and src/mongo/base/error_codes.yml; tests/unit/contracts/ feeds them to this module.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Callable

from datastack.errors import RuntimeFailure
from datastack.plan.model import BootstrapStep

UNAUTHORIZED = 13
ALREADY_INITIALIZED = 23
NOT_YET_INITIALIZED = 94
USER_EXISTS = 51003
PRIMARY_TIMEOUT_S = 60
# Member 0 is the preferred PRIMARY; the others may still be elected (priority 1, not 0).
PREFERRED_PRIORITY = 2


@dataclass(frozen=True)
class Login:
    user: str
    password: str


# connect(host, port, login or None) -> a pymongo-like client (`.admin.command(...)`, `.close()`).
Connect = Callable[[str, int, "Login | None"], object]


def connect_direct(host: str, port: int, login: Login | None, tls_ca_file: str | None = None):
    import pymongo

    auth = dict(username=login.user, password=login.password, authSource="admin") if login else {}
    tls = dict(tls=True, tlsCAFile=tls_ca_file) if tls_ca_file else {}
    return pymongo.MongoClient(host=host, port=port, directConnection=True, serverSelectionTimeoutMS=5000, **auth, **tls)


def run_first_start(steps: list[BootstrapStep], host: str, port: int, secrets: dict[str, str], say=lambda line: None,
                    connect: Connect = connect_direct, timeout_s: float = PRIMARY_TIMEOUT_S) -> None:
    """One executor per step kind, in the plan's order; a replica set is awaited until every member has its state."""
    initiate = next((s for s in steps if s.action == "mongo_initiate_replica_set"), None)
    admin_step = next((s for s in steps if s.action == "mongo_create_admin"), None)
    admin = Login(admin_step.params["user"], secrets[admin_step.params["secret_id"]]) if admin_step else None
    tls_ca_file = admin_step.params.get("tls_ca_file") if admin_step else None
    if tls_ca_file and connect is connect_direct:
        connect = functools.partial(connect_direct, tls_ca_file=tls_ca_file)
    if initiate is not None:
        host, port = _split(initiate.params["primary"])
    session = FirstStartSession(connect, host, port, admin, say, timeout_s)
    try:
        if initiate is not None:
            session.initiate(initiate)
        if admin_step is not None:
            session.create_admin(admin_step.target)
        if initiate is not None:
            session.wait_for_members(len(initiate.params["members"]))
    finally:
        session.close()


def replica_set_config(step: BootstrapStep) -> dict:
    """The replSetInitiate document: every member by the address it is reached at, member 0 preferred."""
    members = [{"_id": i, "host": h, "priority": PREFERRED_PRIORITY if i == 0 else 1}
               for i, h in enumerate(step.params["members"])]
    return {"_id": step.target, "members": members}


class FirstStartSession:
    """One connection to the seed member, upgraded to the administrator's as soon as a user is known to exist."""

    def __init__(self, connect: Connect, host: str, port: int, admin: Login | None, say, timeout_s: float):
        self.connect, self.host, self.port, self.admin, self.say, self.timeout_s = connect, host, port, admin, say, timeout_s
        self.authenticated = False
        self.primary: str | None = None  # address of the PRIMARY, once one is elected
        self.client = connect(host, port, None)
        self._others: list = []

    def close(self) -> None:
        for client in [self.client, *self._others]:
            client.close()

    def command(self, *args, **kwargs) -> dict:
        """Run an admin command; on Unauthorized, retry it once as the administrator (users exist)."""
        from pymongo.errors import OperationFailure

        try:
            return self.client.admin.command(*args, **kwargs)
        except OperationFailure as exc:
            if exc.code != UNAUTHORIZED or self.authenticated or self.admin is None:
                raise
        self._authenticate()
        return self.client.admin.command(*args, **kwargs)

    def _authenticate(self) -> None:
        from pymongo.errors import OperationFailure

        self.say("users exist: continuing as the administrator" if not self.primary else "logging in as the administrator")
        self.client.close()
        try:
            self.client = self.connect(self.host, self.port, self.admin)
            self.client.admin.command("ping")
        except OperationFailure:
            raise RuntimeFailure(f"MongoDB refused the administrator {self.admin.user}: users exist, so the first start "
                                 "must log in as it", fix="set the admin secret the server last accepted, then retry") from None
        self.authenticated = True

    def initiate(self, step: BootstrapStep) -> None:
        from pymongo.errors import OperationFailure

        try:
            self.command("replSetGetStatus")
            self.say(f"replica set {step.target} already initiated")
        except OperationFailure as exc:
            if exc.code != NOT_YET_INITIALIZED:
                raise RuntimeFailure(f"replSetGetStatus failed: {_errmsg(exc)}",
                                     fix="read the member logs with 'datastack logs mongodb'") from None
            try:
                self.command("replSetInitiate", replica_set_config(step))
                self.say(f"replica set {step.target} initiated with {len(step.params['members'])} members")
            except OperationFailure as exc:
                if exc.code != ALREADY_INITIALIZED:  # another initiator won the race: the same end state
                    raise RuntimeFailure(f"replSetInitiate failed: {_errmsg(exc)}") from None
        self.primary = self.wait_for_primary(step.target)

    def wait_for_primary(self, name: str) -> str:
        """hello names the current PRIMARY (`primary`) on every member, once one is elected: any member will do."""
        deadline = time.monotonic() + self.timeout_s
        while True:
            primary = self.command("hello").get("primary")
            if primary:
                return primary
            if time.monotonic() >= deadline:
                raise RuntimeFailure(f"replica set {name} elected no PRIMARY within {self.timeout_s:g}s",
                                     fix="read the member logs with 'datastack logs mongodb-0'")
            time.sleep(0.25)

    def create_admin(self, target: str) -> None:
        """The first administrator, on the PRIMARY; skipped when we already authenticated as it."""
        from pymongo.errors import OperationFailure

        if self.authenticated:
            self.say(f"administrator {target} ready (exists)")
            return
        client = self._primary_client()
        try:
            client.admin.command("createUser", self.admin.user, pwd=self.admin.password,
                                 roles=[{"role": "root", "db": "admin"}], mechanisms=["SCRAM-SHA-256"])
        except OperationFailure as exc:
            # 51003: a rerun after the admin was made; 13: the localhost exception closed because a user exists.
            if exc.code not in (USER_EXISTS, UNAUTHORIZED):
                raise RuntimeFailure(f"could not create MongoDB administrator {self.admin.user}: {_errmsg(exc)}") from None
        self.say(f"administrator {target} ready")

    def _primary_client(self):
        if self.primary is None or self.primary == f"{self.host}:{self.port}":
            return self.client
        client = self.connect(*_split(self.primary), None)
        self._others.append(client)
        return client

    def wait_for_members(self, expected: int) -> None:
        """Await one PRIMARY and expected-1 SECONDARY members, as the administrator (users exist by now)."""
        if not self.authenticated:
            self._authenticate()
        deadline = time.monotonic() + self.timeout_s
        states: list[str] = []
        while True:
            states = [m["stateStr"] for m in self.command("replSetGetStatus")["members"]]
            if states.count("PRIMARY") == 1 and states.count("SECONDARY") == expected - 1:
                return
            if time.monotonic() >= deadline:
                raise RuntimeFailure(f"replica set members are {states}, expected 1 PRIMARY and {expected - 1} SECONDARY",
                                     fix="read the member logs with 'datastack logs mongodb'")
            time.sleep(0.5)


def _errmsg(exc) -> str:
    return (exc.details or {}).get("errmsg", str(exc))


def _split(address: str) -> tuple[str, int]:
    host, port = address.rsplit(":", 1)
    return host, int(port)
