"""The MongoDB fault matrix: SIGKILL at step boundaries and at random moments, three migrators at once,
a migrator paused past its lease, the server killed mid-migration. After each fault a re-run must
leave the database equal, object by object, to a clean migration (`snapshot`)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from mongodb_standin import BOT_CORE_SCHEMA, MongoStandIn, environment

from roles.mongodb.reconcile import migrate_mongodb
from roles.mongodb.reconcile.__main__ import write_context
from roles.mongodb.reconcile.lease import LEASES, STATE_DATABASE
from roles.mongodb.reconcile.versions import LEDGER
from datastack.migrate.report import MigrateOptions

from test_mongodb_faults import LAST, SLOW, wait_until

LEASE_S = 1.0  # short, so a re-run after a kill waits at most this long for the dead run's lease
MIGRATION_BOUNDARIES = 6  # per versioned migration: before it, after its `applying` entry, after up()
RECONCILER_KILL_POINTS = 15
RANDOM_KILLS = 3


def snapshot(client, db_name: str) -> dict:
    """Everything a migration makes, with the database's name replaced so two databases compare."""
    db = client[db_name]
    collections = {}
    for info in db.list_collections():
        options = {k: v for k, v in info.get("options", {}).items() if k != "uuid"}
        indexes = sorted((ix["name"], sorted(ix.items())) for ix in db[info["name"]].list_indexes()) \
            if info.get("type") != "view" else []
        docs = sorted(map(repr, db[info["name"]].find({}, {"runs": 0}))) if info["name"] != "marks" else \
            sorted(d["_id"] for d in db.marks.find())
        collections[info["name"]] = (info.get("type"), sorted(options.items(), key=str), indexes, docs)
    users = sorted((u["user"], sorted((r["role"], r["db"]) for r in u["roles"])) for u in db.command("usersInfo", 1)["users"])
    roles = sorted(repr(r) for r in db.command("rolesInfo", 1, showPrivileges=True)["roles"] if not r.get("isBuiltin"))
    ledger = sorted((d["name"], d["state"], d["checksum"]) for d in client[STATE_DATABASE][LEDGER].find({"database": db_name}))
    lease = client[STATE_DATABASE][LEASES].find_one({"_id": db_name})
    return _renamed({"collections": collections, "users": users, "roles": roles, "ledger": ledger, "lease": lease},
                    db_name)


def _renamed(value, db_name: str):
    if isinstance(value, str):
        return value.replace(db_name, "<db>")
    if isinstance(value, dict):
        return {_renamed(k, db_name): _renamed(v, db_name) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_renamed(v, db_name) for v in value)
    return value


def migrator(env, tmp_path, *extra: str, slow_s: float = 0, kill_at: int | None = None) -> subprocess.Popen:
    context = tmp_path / f"ctx-{time.monotonic_ns()}.json"
    write_context(context, *env)
    variables = {**os.environ, "SLOW_MIGRATION": str(slow_s)}
    if kill_at is not None:
        variables["DATASTACK_KILL_AT_STEP"] = str(kill_at)
    return subprocess.Popen([sys.executable, "-m", "roles.mongodb.reconcile", str(context),
                             "--lease-seconds", str(LEASE_S), "--lock-timeout", "60", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=variables)


def schema_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("matrix-schema")
    (directory / "schema.yaml").write_text(BOT_CORE_SCHEMA.read_text())
    (directory / "0001_slow.py").write_text(SLOW)
    (directory / "0002_last.py").write_text(LAST)
    return directory / "schema.yaml"


@pytest.fixture(scope="module")
def matrix_schema(tmp_path_factory):
    return schema_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def clean_run(mongo, matrix_schema, tmp_path_factory):
    """A clean migration in its own process, counting its step boundaries: (snapshot, boundaries)."""
    env = environment(mongo.port, "matrix_clean", matrix_schema)
    proc = migrator(env, tmp_path_factory.mktemp("clean"), kill_at=0)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    boundaries = int(err.rsplit("fault points passed:", 1)[1].split()[0])
    client = mongo.admin_client()
    try:
        yield snapshot(client, "matrix_clean"), boundaries
    finally:
        client.close()


def kill_points() -> list[str]:
    """Ids resolved against the clean run's boundary count: spread over the reconciler, every migration boundary."""
    return ([f"reconciler-{i}" for i in range(RECONCILER_KILL_POINTS)]
            + [f"migration-{i}" for i in range(MIGRATION_BOUNDARIES)]
            + [f"random-{i}" for i in range(RANDOM_KILLS)])


def resolve(point: str, boundaries: int) -> tuple[int | None, float | None]:
    kind, index = point.rsplit("-", 1)
    i = int(index)
    reconciler = boundaries - MIGRATION_BOUNDARIES
    if kind == "reconciler":
        return 1 + round(i * (reconciler - 1) / (RECONCILER_KILL_POINTS - 1)), None
    if kind == "migration":
        return reconciler + 1 + i, None
    return None, random.Random(i).uniform(1.0, 2.5)  # seconds after start: anywhere in the run


@pytest.mark.parametrize("point", kill_points())
def test_killed_then_rerun_equals_a_clean_migration(mongo, admin, matrix_schema, clean_run, db_name, tmp_path, point):
    reference, boundaries = clean_run
    env = environment(mongo.port, db_name, matrix_schema)
    kill_at, after_s = resolve(point, boundaries)
    proc = migrator(env, tmp_path, kill_at=kill_at)
    if after_s is not None:
        try:
            proc.wait(after_s)
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.communicate(timeout=60)
    if kill_at is not None:
        assert proc.returncode == -signal.SIGKILL, f"kill point {kill_at} of {boundaries} was not reached"
    [report] = migrate_mongodb(*env, MigrateOptions(lock_timeout_s=20), lease_s=LEASE_S)
    assert snapshot(admin, db_name) == reference
    [again] = migrate_mongodb(*env, MigrateOptions(dry_run=True))
    assert again.planned == [] and again.drift == []


def test_three_migrators_at_once_all_succeed_and_each_migration_runs_once(mongo, admin, matrix_schema, clean_run,
                                                                           db_name, tmp_path):
    env = environment(mongo.port, db_name, matrix_schema)
    procs = [migrator(env, tmp_path, slow_s=0.5) for _ in range(3)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in results]
    assert snapshot(admin, db_name) == clean_run[0]
    assert admin[db_name].marks.find_one({"_id": "slow"})["runs"] == 1
    assert admin[STATE_DATABASE][LEDGER].count_documents({"database": db_name}) == 2


def test_migrator_paused_past_its_lease_writes_nothing_after_resuming(mongo, admin, matrix_schema, db_name, tmp_path):
    env = environment(mongo.port, db_name, matrix_schema)
    paused = migrator(env, tmp_path, slow_s=2)
    try:
        ledger = admin[STATE_DATABASE][LEDGER]
        # Paused inside up()'s sleep, after its own write: its next write is a fenced step of the runner. (A pause
        # between the `applying` entry and up()'s first write would let that write land after resuming: writes
        # inside one migration's up() are the migration's own, not fenced.)
        wait_until(lambda: ledger.find_one({"database": db_name, "name": "0001_slow", "state": "applying"}) is not None
                   and admin[db_name].marks.find_one({"_id": "slow"}) is not None)
        paused.send_signal(signal.SIGSTOP)
        taker = migrator(env, tmp_path)  # waits for the paused run's lease to expire, then redoes 0001 and finishes
        out, err = taker.communicate(timeout=60)
        assert taker.returncode == 0, err
        before = snapshot(admin, db_name), list(ledger.find({"database": db_name})), admin[db_name].marks.find_one({"_id": "slow"})
        time.sleep(2)  # let the paused run's own sleep in up() be over when it resumes: it reaches its next write at once
        paused.send_signal(signal.SIGCONT)
        out, err = paused.communicate(timeout=60)
    finally:
        if paused.poll() is None:
            paused.send_signal(signal.SIGCONT)
            paused.kill()
    assert paused.returncode == 1
    assert "lost its lease" in err and "Traceback" not in err
    after = snapshot(admin, db_name), list(ledger.find({"database": db_name})), admin[db_name].marks.find_one({"_id": "slow"})
    assert after == before


def test_server_killed_mid_migration_then_restarted_a_rerun_converges(matrix_schema, clean_run, tmp_path_factory, tmp_path):
    server = MongoStandIn(tmp_path_factory.mktemp("doomed")).start()
    try:
        env = environment(server.port, "matrix_clean", matrix_schema)
        proc = migrator(env, tmp_path, "--connect-timeout", "2", slow_s=3)  # inside up() when the server dies
        client = server.admin_client()
        wait_until(lambda: client[STATE_DATABASE][LEDGER].find_one({"state": "applying"}) is not None)
        client.close()
        server.process.kill()
        server.process.wait()
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 1 and "Traceback" not in err, err
        server._launch(auth=True)
        [report] = migrate_mongodb(*env, MigrateOptions(lock_timeout_s=20), lease_s=LEASE_S)
        client = server.admin_client()
        try:
            assert snapshot(client, "matrix_clean") == clean_run[0]
        finally:
            client.close()
    finally:
        server.stop()
