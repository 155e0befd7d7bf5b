"""Recorded replies of a real mongod 7.0, as its manual and source document them, and a fake replica set that answers
with them. Each reply names its source; nothing here is invented beyond the documented fields.

Sources:
- Error codes: mongodb/mongo src/mongo/base/error_codes.yml — 13 Unauthorized, 23 AlreadyInitialized,
  94 NotYetInitialized; 51003 is the location code of "User already exists" in
  src/mongo/db/commands/user_management_commands.cpp.
- replSetGetStatus: https://www.mongodb.com/docs/v7.0/reference/command/replSetGetStatus/ (members[].name, stateStr,
  health, optimeDate; `set`).
- hello: https://www.mongodb.com/docs/v7.0/reference/command/hello/ (isWritablePrimary, secondary, setName, hosts,
  `primary`: "the address of the current primary member of the replica set", present once one is elected).
- Localhost exception: https://www.mongodb.com/docs/v7.0/core/localhost-exception/ — without users, a localhost
  connection may create the first user (and initiate the set, per "Deploy Replica Set With Keyfile Authentication");
  once a user exists, unauthenticated commands other than hello/auth fail with Unauthorized.
"""

from __future__ import annotations

import datetime as dt

from pymongo.errors import OperationFailure

OPTIME = dt.datetime(2026, 12, 2, 0, 0, 0)


def failure(code: int, code_name: str, errmsg: str) -> OperationFailure:
    """How pymongo surfaces a command error: {ok: 0, errmsg, code, codeName} (manual: "Command Response")."""
    return OperationFailure(errmsg, code, {"ok": 0.0, "errmsg": errmsg, "code": code, "codeName": code_name})


def unauthorized(command: str) -> OperationFailure:
    return failure(13, "Unauthorized", f"Command {command} requires authentication")


NOT_YET_INITIALIZED = failure(94, "NotYetInitialized", "no replset config has been received")
ALREADY_INITIALIZED = failure(23, "AlreadyInitialized", "already initialized")


def user_exists(user: str) -> OperationFailure:
    return failure(51003, "Location51003", f'User "{user}@admin" already exists')


class FakeReplicaSet:
    """The server side: one set of members sharing users and config, as a real set replicates them."""

    def __init__(self, hosts: list[str], *, initiated=False, users: dict[str, str] | None = None,
                 up: int | None = None, elect: int = 0, elect_after: int = 0):
        self.hosts = hosts
        self.config: dict | None = {"_id": "rs0", "members": [{"_id": i, "host": h} for i, h in enumerate(hosts)]} \
            if initiated else None
        self.users = dict(users or {})
        self.up = len(hosts) if up is None else up  # members answering (the rest are still starting)
        self.elect = elect  # which member wins the election
        self.elect_after = elect_after  # hello replies before a PRIMARY is elected
        self.calls: list[tuple[str, str, str | None]] = []  # (address, command, authenticated user)
        self.initiate_count = 0

    def client(self, address: str, login=None) -> "FakeClient":
        if login is not None and self.users.get(login.user) != login.password:
            raise failure(18, "AuthenticationFailed", "Authentication failed.")
        return FakeClient(self, address, login.user if login else None)

    def primary(self) -> str | None:
        if self.config is None:
            return None
        if self.elect_after > 0:
            self.elect_after -= 1
            return None
        return self.hosts[self.elect]

    def status(self) -> dict:
        """replSetGetStatus (manual): one entry per member; members not yet answering are `(not reachable/healthy)`."""
        members = []
        for i, host in enumerate(self.hosts):
            if i >= self.up:
                members.append({"_id": i, "name": host, "health": 0, "state": 8, "stateStr": "(not reachable/healthy)",
                                "optimeDate": OPTIME})
            else:
                primary = i == self.elect
                members.append({"_id": i, "name": host, "health": 1, "state": 1 if primary else 2,
                                "stateStr": "PRIMARY" if primary else "SECONDARY", "optimeDate": OPTIME})
        return {"set": self.config["_id"], "ok": 1.0, "members": members}


class FakeClient:
    def __init__(self, server: FakeReplicaSet, address: str, user: str | None):
        self.server, self.address, self.user = server, address, user
        self.admin = self  # client.admin.command(...)
        self.closed = False

    def close(self) -> None:
        self.closed = True

    def command(self, name, value=None, **fields):
        server = self.server
        server.calls.append((self.address, name, self.user))
        # Localhost exception: open while no user exists; hello is always allowed.
        if name not in ("hello", "ping") and server.users and self.user is None:
            raise unauthorized(name)
        if name == "ping":
            return {"ok": 1.0}
        if name == "hello":
            primary = server.primary()
            reply = {"ok": 1.0, "isWritablePrimary": primary == self.address, "maxWireVersion": 21}
            if server.config is not None:
                reply.update(setName=server.config["_id"], hosts=list(server.hosts), secondary=primary not in (None, self.address))
                if primary:
                    reply["primary"] = primary
            return reply
        if name == "replSetGetStatus":
            if server.config is None:
                raise NOT_YET_INITIALIZED
            return server.status()
        if name == "replSetInitiate":
            if server.config is not None:
                raise ALREADY_INITIALIZED
            server.config = value
            server.initiate_count += 1
            return {"ok": 1.0}
        if name == "createUser":
            if server.config is not None and server.primary() != self.address:
                raise failure(10107, "NotWritablePrimary", "not primary")
            if value in server.users:
                raise user_exists(value)
            server.users[value] = fields["pwd"]
            return {"ok": 1.0}
        raise AssertionError(f"unexpected command {name}")
