"""`datastack migrate --store mongodb` as a whole process: it imports no PostgreSQL machinery (Alembic,
SQLAlchemy), renders no template (Jinja2), and closes every MongoClient it opened (an open one costs
~0.5 s at interpreter exit while pymongo's monitor threads wind down)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from mongodb_standin import ADMIN_PASSWORD, BOT_CORE_SCHEMA

from tests.support.standin_spec import mongodb_spec_file

# Runs the CLI in-process, then reports what it imported and which clients it left open.
PROBE = r"""
import json, sys
import pymongo

opened = []
original_init = pymongo.MongoClient.__init__

def recording_init(self, *args, **kwargs):
    opened.append(self)
    original_init(self, *args, **kwargs)

pymongo.MongoClient.__init__ = recording_init
from datastack.cli import app
try:
    app(sys.argv[1:])
except SystemExit as done:
    code = done.code
heavy = sorted(m for m in ("alembic", "sqlalchemy", "jinja2", "mako", "psycopg", "docker", "pulumi", "pytest")
               if m in sys.modules)
print(json.dumps({"exit": code, "heavy": heavy, "clients": len(opened),
                  "left_open": sum(not c._closed for c in opened)}), file=sys.stderr)
"""


def run_probe(*args: str) -> dict:
    env = {**os.environ, "DS_TEST_MONGO_ADMIN": ADMIN_PASSWORD, "DS_TEST_MONGO_USER": "user-pw-1"}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=120)
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_migrate_store_mongodb_imports_only_what_it_uses_and_closes_its_clients(mongo, db_name, tmp_path):
    spec = mongodb_spec_file(tmp_path, mongo.port, db_name, BOT_CORE_SCHEMA)
    for run in ("first", "no-change"):
        report = run_probe("migrate", "--store", "mongodb", "--spec", str(spec))
        assert report["exit"] in (0, None), (run, report)
        assert report["heavy"] == [], (run, report)
        assert report["clients"] >= 1 and report["left_open"] == 0, (run, report)


EXIT_PROBE = r"""
import sys
import pymongo
from pymongo import periodic_executor

def reporting_join(self, timeout=None):
    print("joined a monitor thread at exit", file=sys.stderr)

periodic_executor.PeriodicExecutor.join = reporting_join
from roles.mongodb.exit_wait import skip_exit_join_when_all_closed

client = pymongo.MongoClient(sys.argv[1])
client.admin.command("ping")
skip_exit_join_when_all_closed()
if sys.argv[2] == "close":
    client.close()
"""


def test_no_monitor_join_at_exit_once_every_client_is_closed(mongo):
    uri = f"mongodb://{mongo.host}/?directConnection=true"
    closed = subprocess.run([sys.executable, "-c", EXIT_PROBE, uri, "close"], capture_output=True, text=True, timeout=60)
    left_open = subprocess.run([sys.executable, "-c", EXIT_PROBE, uri, "keep"], capture_output=True, text=True, timeout=60)
    assert closed.returncode == 0 and "joined" not in closed.stderr, closed.stderr
    assert "joined a monitor thread at exit" in left_open.stderr  # an open client keeps pymongo's own shutdown
