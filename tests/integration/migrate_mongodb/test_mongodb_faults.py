"""Faults: a migrator killed mid-run, two migrators at once, an unreachable server, stale leases.
(The fault matrix — kill points, three migrators, SIGSTOP, server restarts — is in test_fault_matrix.py.)"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from mongodb_standin import BOT_CORE_SCHEMA, environment, free_port

from datastack.errors import RuntimeFailure
from roles.mongodb.reconcile import migrate_mongodb
from roles.mongodb.reconcile.__main__ import write_context
from roles.mongodb.reconcile.lease import LEASES, STATE_DATABASE
from roles.mongodb.reconcile.versions import LEDGER
from datastack.migrate.report import MigrateOptions

# Sleeps only in the subprocesses (they set SLOW_MIGRATION), so the in-process rerun is quick.
SLOW = '''"""Mark the database, then take a while (only when SLOW_MIGRATION is set)."""
import os
import time


def up(db):
    db.marks.update_one({"_id": "slow"}, {"$inc": {"runs": 1}}, upsert=True)
    time.sleep(float(os.environ.get("SLOW_MIGRATION", "0")))


def down(db):
    db.marks.delete_one({"_id": "slow"})
'''
LAST = '''"""Runs after the slow one."""


def up(db):
    db.marks.update_one({"_id": "last"}, {"$set": {"done": True}}, upsert=True)


def down(db):
    db.marks.delete_one({"_id": "last"})
'''


def start_migrator(env, tmp_path, name: str, slow_s: float, *extra: str) -> subprocess.Popen:
    context = tmp_path / f"{name}.json"
    write_context(context, *env)
    return subprocess.Popen(
        [sys.executable, "-m", "roles.mongodb.reconcile", str(context), "--lease-seconds", "3", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SLOW_MIGRATION": str(slow_s)},
    )


def wait_until(condition, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.005)


@pytest.fixture
def bot_core_with_slow_migration(make_env):
    return make_env(BOT_CORE_SCHEMA.read_text(), migrations={"0001_slow.py": SLOW, "0002_last.py": LAST})


@pytest.mark.parametrize("kill_when", ["first_collection", "inside_migration"])
def test_killed_migrator_leaves_a_run_the_next_one_completes(bot_core_with_slow_migration, admin, db_name, tmp_path, kill_when):
    env = bot_core_with_slow_migration
    proc = start_migrator(env, tmp_path, "killed", slow_s=30)
    db, ledger_docs = admin[db_name], admin[STATE_DATABASE][LEDGER]
    if kill_when == "first_collection":
        wait_until(lambda: db.list_collection_names())
    else:
        wait_until(lambda: ledger_docs.find_one({"database": db_name, "state": "applying"}) is not None)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    [report] = migrate_mongodb(*env, MigrateOptions(lock_timeout_s=10))  # takes over once the dead one's lease expires
    assert report.applied
    ledger = {d["name"]: d for d in ledger_docs.find({"database": db_name})}
    assert {k: v["state"] for k, v in ledger.items()} == {"0001_slow": "applied", "0002_last": "applied"}
    assert admin[STATE_DATABASE][LEASES].find_one({"_id": db_name}) is None
    assert db.marks.find_one({"_id": "last"})["done"] is True
    [again] = migrate_mongodb(*env, MigrateOptions())
    assert again.planned == [] and again.drift == []


def test_two_migrators_at_once_exactly_one_applies(bot_core_with_slow_migration, db_name, tmp_path):
    env = bot_core_with_slow_migration
    procs = [start_migrator(env, tmp_path, f"m{i}", 2, "--lock-timeout", "60") for i in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    reports = [json.loads(out)[0] for out, _ in outputs]
    applied = sorted(len(r["applied"]) for r in reports)
    assert applied[0] == 0 and applied[1] > 50
    idle = next(r for r in reports if not r["applied"])
    assert idle["planned"] == []
    waited = next(err for (out, err), r in zip(outputs, reports) if not r["applied"])
    assert "waiting for the lock" in waited


def test_unreachable_database_fails_within_a_bounded_wait(tmp_path):
    port = free_port()  # nothing listens there
    spec, endpoints, secrets = environment(port, "nowhere", None)
    started = time.monotonic()
    with pytest.raises(RuntimeFailure) as caught:
        migrate_mongodb(spec, endpoints, secrets, MigrateOptions(), connect_timeout_s=1)
    assert time.monotonic() - started < 5
    assert f"MongoDB at 127.0.0.1:{port} did not answer within 1 s" in str(caught.value)
    assert caught.value.exit_code == 1

    context = tmp_path / "ctx.json"
    write_context(context, spec, endpoints, secrets)
    proc = subprocess.run([sys.executable, "-m", "roles.mongodb.reconcile", str(context), "--connect-timeout", "1"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1 and "did not answer" in proc.stderr and "Traceback" not in proc.stderr


def _hold_lease(admin, db_name, host, pid, expires_in_s):
    admin[STATE_DATABASE][LEASES].insert_one({"_id": db_name, "host": host, "pid": pid, "run_id": "other", "token": 7,
                                              "expires_at": datetime.now(UTC) + timedelta(seconds=expires_in_s)})


def test_live_lease_of_another_host_makes_the_run_wait_then_fail(make_env, admin, db_name):
    env = make_env("collections:\n  a: {}\n")
    _hold_lease(admin, db_name, "elsewhere", 1, 60)
    started = time.monotonic()
    with pytest.raises(RuntimeFailure, match="still holds the lock"):
        migrate_mongodb(*env, MigrateOptions(lock_timeout_s=1))
    assert 1 <= time.monotonic() - started < 5


def test_expired_lease_is_taken_over_with_a_newer_token(make_env, admin, db_name):
    env = make_env("collections:\n  a: {}\n", migrations={"0001_last.py": LAST})
    _hold_lease(admin, db_name, "elsewhere", 1, -1)
    [report] = migrate_mongodb(*env, MigrateOptions(lock_timeout_s=1))
    assert [c.action for c in report.applied][:1] == ["create_collection"]
    entry = admin[STATE_DATABASE][LEDGER].find_one({"database": db_name, "name": "0001_last"})
    assert entry["state"] == "applied" and entry["token"] == 8


def test_lease_of_a_dead_local_process_is_taken_over_only_after_expiry(make_env, admin, db_name):
    """Hostname + pid prove nothing across containers: only the server-side expiry frees a lease."""
    env = make_env("collections:\n  a: {}\n")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    _hold_lease(admin, db_name, socket.gethostname(), dead.pid, 60)
    with pytest.raises(RuntimeFailure, match="still holds the lock"):
        migrate_mongodb(*env, MigrateOptions(lock_timeout_s=1))
    assert "a" not in admin[db_name].list_collection_names()


def test_a_client_clock_far_ahead_cannot_take_a_live_lease(make_env, admin, db_name, monkeypatch):
    """Expiry is judged by the server's clock: an operator whose laptop runs an hour ahead still waits."""
    import roles.mongodb.reconcile.lease as lease_module

    class SkewedClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(hours=1)

    monkeypatch.setattr(lease_module, "datetime", SkewedClock)
    env = make_env("collections:\n  a: {}\n")
    _hold_lease(admin, db_name, "elsewhere", 1, 60)
    with pytest.raises(RuntimeFailure, match="still holds the lock"):
        migrate_mongodb(*env, MigrateOptions(lock_timeout_s=1))


@pytest.mark.parametrize("access", ["app", "readonly"])
def test_application_users_are_refused_on_the_ledger_and_the_lease(bot_core_env, mongo, admin, db_name, access):
    from pymongo import MongoClient
    from pymongo.errors import OperationFailure

    spec, endpoints, secrets = bot_core_env
    migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    assert admin[STATE_DATABASE][LEDGER].count_documents({"database": db_name}) == 1  # Bot Core's 0001 is there...
    assert not [c for c in admin[db_name].list_collection_names() if "datastack" in c]  # ...and nothing in the app's db
    user = f"{db_name}_{access}"
    password = secrets[f"mongodb.{db_name}.{user}"]
    with MongoClient(f"mongodb://{user}:{password}@{mongo.host}/?authSource={db_name}&directConnection=true",
                     serverSelectionTimeoutMS=5000) as client:
        assert client[db_name].list_collection_names()  # the login works on its own database
        for collection in (LEDGER, LEASES):
            state = client[STATE_DATABASE][collection]
            for attempt in (lambda: state.find_one({}),
                            lambda: state.insert_one({"_id": db_name, "run_id": "forged", "expires_at": datetime(2100, 1, 1)}),
                            lambda: state.update_many({}, {"$set": {"state": "applied"}})):
                with pytest.raises(OperationFailure) as refused:
                    attempt()
                assert refused.value.code == 13
    assert admin[STATE_DATABASE][LEASES].find_one({"run_id": "forged"}) is None


def _expire(admin, db_name):
    """What the server's clock does to a lease whose owner stopped renewing, without the wait."""
    admin[STATE_DATABASE][LEASES].update_one({"_id": db_name}, {"$set": {"expires_at": datetime(2000, 1, 1)}})


def test_a_lease_taken_over_fails_the_old_owners_next_fence(admin, db_name):
    from roles.mongodb.reconcile.lease import Lease, LeaseLost

    old = Lease(admin, db_name, timeout_s=1, lease_s=30).__enter__()
    try:
        _expire(admin, db_name)
        with Lease(admin, db_name, timeout_s=1, lease_s=30) as new:
            assert new.token == old.token + 1
            with pytest.raises(LeaseLost, match="lost its lease"):
                old.fence()  # the renewer (every 10 s) has not noticed yet: the fence asks the server
    finally:
        old.release()


def test_a_stale_ledger_write_cannot_overwrite_the_new_owners_entry(admin, db_name):
    """The write that slipped between a fence and a pause: the ledger itself refuses an older token."""
    from roles.mongodb.reconcile.lease import Lease, LeaseLost
    from roles.mongodb.reconcile.versions import _fenced_write

    db = admin[db_name]
    old = Lease(admin, db_name, timeout_s=1, lease_s=30).__enter__()
    try:
        _fenced_write(db, "0001_x", old, {"$set": {"database": db_name, "name": "0001_x", "state": "applying"}})
        _expire(admin, db_name)
        with Lease(admin, db_name, timeout_s=1, lease_s=30) as new:
            _fenced_write(db, "0001_x", new, {"$set": {"state": "applied"}})
            with pytest.raises(LeaseLost):
                _fenced_write(db, "0001_x", old, {"$set": {"state": "applying"}})
    finally:
        old.release()
    entry = admin[STATE_DATABASE][LEDGER].find_one({"database": db_name, "name": "0001_x"})
    assert (entry["state"], entry["token"]) == ("applied", new.token)
