"""Crash safety of versioned migrations: every shipped up() is idempotent (run twice, same state), and a
migration that declares IDEMPOTENT = False and was interrupted inside up() waits for --repair."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from mongodb_standin import BOT_CORE_SCHEMA, environment

from datastack.errors import UserError
from roles.mongodb.reconcile import migrate_mongodb, mongodb_status
from roles.mongodb.reconcile.lease import STATE_DATABASE
from roles.mongodb.reconcile.versions import LEDGER, discover, is_idempotent
from datastack.migrate.report import MigrateOptions

from test_fault_matrix import LEASE_S, migrator
from test_mongodb_faults import wait_until

SHIPPED = sorted(Path(BOT_CORE_SCHEMA).parents[1].glob("*/schema.yaml"))
COUNTING = '''"""Count a payment once per run: running it twice would count twice."""
import os
import time

IDEMPOTENT = False


def up(db):
    db.ledger_entries.update_one({"_id": "fee"}, {"$inc": {"charged": 1}}, upsert=True)
    time.sleep(float(os.environ.get("SLOW_MIGRATION", "0")))


def down(db):
    db.ledger_entries.delete_one({"_id": "fee"})
'''


def documents(db) -> dict:
    return {name: sorted(map(repr, db[name].find({}))) for name in sorted(db.list_collection_names())}


@pytest.mark.parametrize("schema", SHIPPED, ids=[p.parent.name for p in SHIPPED])
def test_every_shipped_migration_runs_twice_to_the_same_state(mongo, admin, db_name, schema):
    env = environment(mongo.port, db_name, schema)
    migrate_mongodb(*env, MigrateOptions())
    db = admin[db_name]
    for migration in discover(schema.parent):
        assert is_idempotent(migration), f"{migration.name} declares IDEMPOTENT = False: test its repair instead"
        before = documents(db)
        migration.load().up(db)
        assert documents(db) == before, f"{migration.name}: a second up() changed the data"


def test_interrupted_non_idempotent_migration_waits_for_repair(make_env, admin, db_name, tmp_path):
    env = make_env("collections:\n  ledger_entries: {}\n", migrations={"0001_charge_fee.py": COUNTING})
    proc = migrator(env, tmp_path, slow_s=30)
    ledger = admin[STATE_DATABASE][LEDGER]
    # Killed inside up(): after its first write, during its sleep (marked `applying` alone is not yet inside).
    wait_until(lambda: ledger.find_one({"database": db_name, "state": "applying"}) is not None
               and admin[db_name].ledger_entries.find_one({"_id": "fee"}) is not None)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)

    with pytest.raises(UserError) as caught:
        migrate_mongodb(*env, MigrateOptions(lock_timeout_s=10), lease_s=LEASE_S)
    message = caught.value.one_line()
    assert "0001_charge_fee was interrupted inside up()" in message and "--repair" in message
    assert admin[db_name].ledger_entries.find_one({"_id": "fee"})["charged"] == 1  # not run a second time
    [status] = mongodb_status(*env)
    assert [c.action for c in status.planned] == ["apply_migration"]

    [report] = migrate_mongodb(*env, MigrateOptions(repair=True, lock_timeout_s=10), lease_s=LEASE_S)
    assert [c.action for c in report.applied] == ["apply_migration"]
    assert ledger.find_one({"database": db_name, "name": "0001_charge_fee"})["state"] == "applied"
