"""Users, custom roles and versioned migrations against the real server."""

from __future__ import annotations

import pytest
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from datastack.errors import UserError
from roles.mongodb.reconcile import migrate_mongodb, mongodb_down, mongodb_status
from roles.mongodb.reconcile.live import FINGERPRINTS
from roles.mongodb.reconcile.versions import LEDGER, STATE_DATABASE
from datastack.migrate.report import MigrateOptions

ROLES_SCHEMA = """
collections:
  reports: {}
roles:
  - name: report_reader
    privileges:
      - {collection: reports, actions: [find]}
"""
MIGRATION = '''"""Add one document; down removes it."""


def up(db):
    db.items.update_one({"_id": "{name}"}, {"$set": {"n": 1}}, upsert=True)


def down(db):
    db.items.delete_one({"_id": "{name}"})
'''
VERSIONED_SCHEMA = "collections:\n  items: {}\n"


def login_works(mongo, db, user, password) -> bool:
    client = MongoClient(f"mongodb://{user}:{password}@{mongo.host}/{db}?authSource={db}&directConnection=true",
                         serverSelectionTimeoutMS=3000)
    try:
        client[db].command("ping")
        return True
    except OperationFailure:
        return False
    finally:
        client.close()


def test_custom_role_and_user_are_created_then_kept_exactly_as_declared(mongo, make_env, admin, db_name):
    users = [{"name": f"{db_name}_rep", "access": "readonly", "roles": ["report_reader"]}]
    spec, endpoints, secrets = make_env(ROLES_SCHEMA, users=users)
    migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    info = admin[db_name].command("usersInfo", f"{db_name}_rep")["users"][0]
    assert [(r["role"], r["db"]) for r in info["roles"]] == [("report_reader", db_name)]
    admin[db_name].command("updateUser", f"{db_name}_rep", roles=["readWrite"])
    admin[db_name].command("updateRole", "report_reader", privileges=[
        {"resource": {"db": db_name, "collection": "reports"}, "actions": ["find", "remove"]}], roles=[])
    [report] = migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    assert sorted(c.action for c in report.applied) == ["update_role", "update_user"]
    role = admin[db_name].command("rolesInfo", "report_reader", showPrivileges=True)["roles"][0]
    assert role["privileges"][0]["actions"] == ["find"]


def test_password_changes_only_when_the_secret_changed(mongo, bot_core_env, admin, db_name):
    spec, endpoints, secrets = bot_core_env
    migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    user = f"{db_name}_app"
    record = admin.admin[FINGERPRINTS].find_one({"_id": f"{db_name}.{user}"})
    assert secrets[f"mongodb.{db_name}.{user}"] not in str(record)  # a fingerprint, never the secret
    secrets = {**secrets, f"mongodb.{db_name}.{user}": "a-new-secret"}
    [report] = migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    assert [(c.target, c.detail) for c in report.applied] == [(f"{db_name}.user {user}", "password (the spec's secret changed)")]
    assert login_works(mongo, db_name, user, "a-new-secret")
    assert migrate_mongodb(spec, endpoints, secrets, MigrateOptions())[0].planned == []


def test_user_created_by_bootstrap_gets_the_spec_password_once(mongo, bot_core_env, admin, db_name):
    spec, endpoints, secrets = bot_core_env
    user = f"{db_name}_readonly"
    admin[db_name].command("createUser", user, pwd="from-bootstrap", roles=["read"])
    [report] = migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    assert (f"{db_name}.user {user}", "update_user") in [(c.target, c.action) for c in report.applied]
    assert login_works(mongo, db_name, user, secrets[f"mongodb.{db_name}.{user}"])


def test_versioned_migrations_apply_in_order_and_roll_back(make_env, admin, db_name):
    migrations = {f"000{i}_add_{i}.py": MIGRATION.replace("{name}", f"doc{i}") for i in (1, 2, 3)}
    spec, endpoints, secrets = make_env(VERSIONED_SCHEMA, migrations=migrations)
    [report] = migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    assert [c.target.split(" ")[1] for c in report.applied if c.action == "apply_migration"] == [
        "0001_add_1", "0002_add_2", "0003_add_3"]
    ledger = list(admin[STATE_DATABASE][LEDGER].find({"database": db_name}).sort("_id"))
    assert [(d["name"], d["state"]) for d in ledger] == [(n[:-3], "applied") for n in sorted(migrations)]
    assert all(d["checksum"] and d["run_id"] and d["applied_at"] and "duration_s" in d and d["token"] for d in ledger)
    assert LEDGER not in admin[db_name].list_collection_names()

    down = mongodb_down(spec, endpoints, secrets, db_name, "0001", MigrateOptions())
    assert [c.target.split(" ")[1] for c in down.applied] == ["0003_add_3", "0002_add_2"]
    assert down.revision["current"] == "0001_add_1"
    assert sorted(d["_id"] for d in admin[db_name].items.find()) == ["doc1"]
    [status] = mongodb_status(spec, endpoints, secrets)
    assert [c.target.split(" ")[1] for c in status.planned] == ["0002_add_2", "0003_add_3"]


def test_changed_checksum_stops_the_run_until_repair(make_env, tmp_path, db_name):
    spec, endpoints, secrets = make_env(VERSIONED_SCHEMA, migrations={"0001_add.py": MIGRATION.replace("{name}", "a")})
    migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    path = tmp_path / "schema" / "0001_add.py"
    path.write_text(path.read_text() + "\n# edited after it was applied\n")
    with pytest.raises(UserError) as caught:
        migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    assert "0001_add changed after it was applied" in str(caught.value) and "--repair" in str(caught.value)
    [report] = migrate_mongodb(spec, endpoints, secrets, MigrateOptions(repair=True))
    assert [c.action for c in report.applied] == ["repair_checksum"]
    assert migrate_mongodb(spec, endpoints, secrets, MigrateOptions())[0].planned == []
