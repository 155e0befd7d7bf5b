"""roles/mongodb/first_start.py against a replica set answering as a real mongod documents (mongod_replies.py):
every initiation branch — fresh, already initiated with users, partially bootstrapped — is run, not only read."""

from __future__ import annotations

import pytest

from datastack.errors import RuntimeFailure
from datastack.plan.model import BootstrapStep
from roles.mongodb.first_start import replica_set_config, run_first_start

from .mongod_replies import FakeReplicaSet

HOSTS = ["127.0.0.1:27117", "127.0.0.1:27118", "127.0.0.1:27119"]
SECRETS = {"mongodb.admin": "admin-pw"}
STEPS = [
    BootstrapStep(action="mongo_initiate_replica_set", target="rs0", params={"members": HOSTS, "primary": HOSTS[0]}),
    BootstrapStep(action="mongo_create_admin", target="admin.admin", params={"user": "admin", "secret_id": "mongodb.admin"}),
]


def first_start(server: FakeReplicaSet, secrets=SECRETS, timeout_s: float = 2) -> list[str]:
    said: list[str] = []
    run_first_start(STEPS, "ignored", 0, secrets, said.append,
                    connect=lambda host, port, login: server.client(f"{host}:{port}", login), timeout_s=timeout_s)
    return said


def commands(server: FakeReplicaSet) -> list[str]:
    return [name for _, name, _ in server.calls]


def test_fresh_set_is_asked_for_its_status_then_initiated_then_gets_its_administrator():
    server = FakeReplicaSet(HOSTS, elect_after=3)
    first_start(server)
    assert commands(server)[:2] == ["replSetGetStatus", "replSetInitiate"], "status first; initiate only on code 94"
    assert server.initiate_count == 1 and server.users == {"admin": "admin-pw"}
    # The wait for members runs as the administrator: the localhost exception closed with the first user.
    assert server.calls[-1] == (HOSTS[0], "replSetGetStatus", "admin")


def test_member_zero_gets_the_highest_priority_and_every_member_its_address():
    server = FakeReplicaSet(HOSTS)
    first_start(server)
    members = server.config["members"]
    assert [m["host"] for m in members] == HOSTS
    assert members[0]["priority"] > max(m["priority"] for m in members[1:])
    assert all(m["priority"] >= 1 for m in members), "every member stays electable for failover"
    assert replica_set_config(STEPS[0]) == server.config


def test_already_initiated_with_users_authenticates_and_initiates_nothing():
    """A second `up` (or a rerun of the job): code 13 on the unauthenticated status means users exist."""
    server = FakeReplicaSet(HOSTS, initiated=True, users={"admin": "admin-pw"})
    said = first_start(server)
    assert "replSetInitiate" not in commands(server) and "createUser" not in commands(server)
    assert server.calls[0] == (HOSTS[0], "replSetGetStatus", None)
    assert all(user == "admin" for _, name, user in server.calls[1:] if name != "hello")
    assert any("users exist" in line for line in said)


def test_partially_bootstrapped_set_resumes_the_wait_as_the_administrator():
    """The admin exists but a member was late and the 60 s wait failed: the rerun must not go unauthenticated."""
    server = FakeReplicaSet(HOSTS, initiated=True, users={"admin": "admin-pw"}, up=2)
    with pytest.raises(RuntimeFailure, match="expected 1 PRIMARY and 2 SECONDARY"):
        first_start(server, timeout_s=0.6)
    server.up = 3
    first_start(server)
    assert server.initiate_count == 0 and server.users == {"admin": "admin-pw"}


def test_initiated_but_no_administrator_yet_creates_it_without_initiating_again():
    server = FakeReplicaSet(HOSTS, initiated=True)
    first_start(server)
    assert server.initiate_count == 0 and server.users == {"admin": "admin-pw"}


def test_a_racing_initiator_answering_already_initialized_is_success():
    server = FakeReplicaSet(HOSTS)
    original = server.client

    def racing(address, login=None):
        client = original(address, login)
        real = client.command

        def command(name, value=None, **fields):
            if name == "replSetInitiate" and server.config is None:
                server.config = {"_id": "rs0", "members": []}  # someone else initiated first: code 23 follows
            return real(name, value, **fields)
        client.command = command
        client.admin = client
        return client
    server.client = racing
    first_start(server)
    assert server.users == {"admin": "admin-pw"}


def test_waits_accept_any_primary_and_create_the_administrator_on_it():
    server = FakeReplicaSet(HOSTS, elect=2)
    first_start(server)
    assert (HOSTS[2], "createUser", None) in server.calls, "createUser goes to the elected PRIMARY, not member 0"


def test_no_primary_within_the_timeout_is_one_line_failure():
    server = FakeReplicaSet(HOSTS, elect_after=10**6)
    with pytest.raises(RuntimeFailure, match="elected no PRIMARY"):
        first_start(server, timeout_s=0.3)


def test_an_unexpected_status_error_is_reported_not_initiated_over():
    from .mongod_replies import failure

    server = FakeReplicaSet(HOSTS)
    original = server.client

    def broken(address, login=None):
        client = original(address, login)

        def command(name, value=None, **fields):
            raise failure(93, "InvalidReplicaSetConfig", "bad config")
        client.command = command
        client.admin = client
        return client
    server.client = broken
    with pytest.raises(RuntimeFailure, match="replSetGetStatus failed: bad config"):
        first_start(server)
    assert server.initiate_count == 0


def test_wrong_admin_password_with_users_present_fails_authentication():
    server = FakeReplicaSet(HOSTS, initiated=True, users={"admin": "other"})
    with pytest.raises(RuntimeFailure, match="refused the administrator admin"):
        first_start(server)
