"""MongoDB ledger and lease: they live in the `_datastack` database, which only administrators reach.
An application or readonly user who could write there could forge a migration as applied or plant a
lease that blocks every migrator; one who could read it learns the migration history. Both are refused."""

from __future__ import annotations

import uuid

import pytest

from roles.mongodb.reconcile.lease import LEASES, STATE_DATABASE
from roles.mongodb.reconcile.versions import LEDGER

UNAUTHORIZED = 13


def _users_to_probe(target):
    mongo = target.spec.services.mongodb
    if mongo is None:
        pytest.skip("this environment declares no MongoDB")
    # Read-only mode holds only the readonly users' secrets.
    accesses = ("readonly",) if target.read_only else ("app", "readonly")
    users = [(db, u) for db, d in mongo.databases.items() for u in d.users if u.access in accesses]
    if not users:
        pytest.skip("no app or readonly MongoDB user is declared")
    return users


@pytest.mark.parametrize("collection", [LEDGER, LEASES])
def test_application_users_cannot_read_the_ledger_or_lease(target, connections, collection):
    from pymongo.errors import OperationFailure

    readable = []
    for db, user in _users_to_probe(target):
        client = connections.mongo(target.mongo(user.name))
        try:
            client[STATE_DATABASE][collection].find_one({})
            readable.append(f"{db}.{user.name} ({user.access})")
        except OperationFailure as exc:
            if exc.code != UNAUTHORIZED:
                raise
    assert not readable, (f"mongodb: {', '.join(readable)} can read {STATE_DATABASE}.{collection} — fix: remove any role "
                          f"granting access to {STATE_DATABASE} or to any database (readAnyDatabase, root) from them")


@pytest.mark.writes
@pytest.mark.parametrize("collection", [LEDGER, LEASES])
def test_application_users_cannot_write_the_ledger_or_lease(target, connections, collection):
    from pymongo.errors import OperationFailure

    target.require_writes(f"probing writes to {STATE_DATABASE}.{collection}")
    writable = []
    for db, user in _users_to_probe(target):
        probe = {"_id": f"_datastack_check_probe_{uuid.uuid4().hex[:8]}"}
        try:
            connections.mongo(target.mongo(user.name))[STATE_DATABASE][collection].insert_one(probe)
        except OperationFailure as exc:
            if exc.code != UNAUTHORIZED:
                raise
            continue
        writable.append(f"{db}.{user.name} ({user.access})")
        connections.mongo(target.mongo())[STATE_DATABASE][collection].delete_one(probe)
    assert not writable, (f"mongodb: {', '.join(writable)} can write {STATE_DATABASE}.{collection} (forge the ledger, "
                          f"block migrators) — fix: remove any role granting writes to {STATE_DATABASE} from them")
