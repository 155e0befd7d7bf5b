"""Bot Core from empty: everything the seed lists exists, a second run does nothing, --dry-run writes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mongodb_standin import ADMIN_PASSWORD

from roles.mongodb.reconcile import migrate_mongodb, mongodb_status
from datastack.migrate.report import MigrateOptions

VERIFY = Path(__file__).with_name("verify_bot_core.py")


def test_fresh_database_gets_everything_the_seed_lists(mongo, bot_core_env, db_name):
    spec, endpoints, secrets = bot_core_env
    [report] = migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    assert report.applied and len(report.applied) == len(report.planned)
    assert report.revision == {"current": "0001_stamp_seed_timestamps", "head": "0001_stamp_seed_timestamps"}
    uri = f"mongodb://admin:{ADMIN_PASSWORD}@{mongo.host}/?authSource=admin&directConnection=true"
    result = subprocess.run([sys.executable, str(VERIFY), uri, db_name], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_second_run_plans_and_applies_nothing(bot_core_env):
    spec, endpoints, secrets = bot_core_env
    migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    [again] = migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    assert again.planned == [] and again.applied == [] and again.drift == []


def test_dry_run_changes_nothing(bot_core_env, admin, db_name):
    spec, endpoints, secrets = bot_core_env
    [report] = migrate_mongodb(spec, endpoints, secrets, MigrateOptions(dry_run=True))
    assert len(report.planned) > 50 and report.applied == []
    assert admin[db_name].list_collection_names() == []
    [status] = mongodb_status(spec, endpoints, secrets)
    assert status.revision == {"current": None, "head": "0001_stamp_seed_timestamps"}


def test_users_get_their_passwords_and_roles(mongo, bot_core_env, db_name):
    from pymongo import MongoClient

    spec, endpoints, secrets = bot_core_env
    migrate_mongodb(spec, endpoints, secrets, MigrateOptions())
    user = f"{db_name}_readonly"
    client = MongoClient(f"mongodb://{user}:{secrets[f'mongodb.{db_name}.{user}']}@{mongo.host}/{db_name}"
                         f"?authSource={db_name}&directConnection=true", serverSelectionTimeoutMS=3000)
    try:
        assert client[db_name].system_config.find_one({"_id": "feature_flags"})["live_trading"] is False
    finally:
        client.close()
