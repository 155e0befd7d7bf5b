"""The mongosh first-start script (roles/mongodb/container_job.py) run by node against a fake `db` that answers as
mongod documents (same sources as mongod_replies.py: error_codes.yml 13/23/94, 51003; replSetGetStatus; hello;
the localhost exception). mongosh's `db.runCommand` returns the server's reply ({ok: 0, code, errmsg}) instead
of throwing, and `db.auth` throws on a refused login (mongosh docs: db.runCommand(), db.auth())."""

from __future__ import annotations

import json
import subprocess

import pytest

from roles.mongodb.container_job import inline_script

NODE = "/usr/bin/node"
pytestmark = pytest.mark.skipif(not __import__("os").path.exists(NODE), reason="node is not installed")

FAKE_MONGOD = r"""
const state = JSON.parse(process.argv[2]);
const calls = [];
let user = null;
const err = (code, codeName, errmsg) => ({ok: 0, code, codeName, errmsg});
globalThis.sleep = () => { state.electAfter = Math.max(0, (state.electAfter || 0) - 1); };
globalThis.print = () => {};
globalThis.db = {getSiblingDB: () => ({
  auth(name, pwd) {
    calls.push(['auth', name]);
    if (state.users[name] !== pwd) throw new Error('Authentication failed.');
    user = name; return {ok: 1};
  },
  runCommand(cmd) {
    const name = Object.keys(cmd)[0];
    calls.push([name, user]);
    if (name !== 'hello' && Object.keys(state.users).length && !user) return err(13, 'Unauthorized', `Command ${name} requires authentication`);
    if (name === 'hello') return {ok: 1, isWritablePrimary: !!state.config && !state.electAfter};
    if (name === 'replSetGetStatus') return state.config ? {ok: 1, set: state.config._id, members: []} : err(94, 'NotYetInitialized', 'no replset config has been received');
    if (name === 'replSetInitiate') { if (state.config) return err(23, 'AlreadyInitialized', 'already initialized'); state.config = cmd.replSetInitiate; return {ok: 1}; }
    if (name === 'createUser') { if (state.users[cmd.createUser]) return err(51003, 'Location51003', 'User already exists'); state.users[cmd.createUser] = cmd.pwd; return {ok: 1}; }
    return err(59, 'CommandNotFound', 'no such command');
  },
})};
process.on('exit', (code) => { process.stdout.write(JSON.stringify({calls, state, code})); });
"""

DOCUMENT = {"admin": {"user": "admin", "pwd": "admin-pw"},
            "replicaSet": {"_id": "rs0", "members": [{"_id": 0, "host": "m0:27017", "priority": 2},
                                                    {"_id": 1, "host": "m1:27017", "priority": 1}]}}


def run_script(tmp_path, state: dict) -> tuple[int, dict]:
    script = tmp_path / "run.js"
    script.write_text(f"{FAKE_MONGOD}\ntry {{\n{inline_script(DOCUMENT)}\n}} catch (e) {{ process.exitCode = 1; }}\n")
    done = subprocess.run([NODE, str(script), json.dumps(state)], capture_output=True, text=True, timeout=30)
    return done.returncode, json.loads(done.stdout)


def names(result: dict) -> list[str]:
    return [c[0] for c in result["calls"]]


def test_fresh_set_status_first_then_initiate_then_admin(tmp_path):
    code, result = run_script(tmp_path, {"config": None, "users": {}, "electAfter": 2})
    assert code == 0
    assert names(result)[:2] == ["replSetGetStatus", "replSetInitiate"]
    assert result["state"]["config"]["members"][0]["priority"] == 2
    assert result["state"]["users"] == {"admin": "admin-pw"}


def test_initiated_with_users_logs_in_and_creates_nothing(tmp_path):
    code, result = run_script(tmp_path, {"config": {"_id": "rs0"}, "users": {"admin": "admin-pw"}})
    assert code == 0, "a rerun after the first start must succeed, not fail on Unauthorized"
    assert "replSetInitiate" not in names(result) and "createUser" not in names(result)
    assert ["auth", "admin"] in result["calls"]


def test_initiated_without_administrator_creates_it_only(tmp_path):
    code, result = run_script(tmp_path, {"config": {"_id": "rs0"}, "users": {}})
    assert code == 0 and "replSetInitiate" not in names(result)
    assert result["state"]["users"] == {"admin": "admin-pw"}


def test_refused_administrator_fails_the_job(tmp_path):
    code, result = run_script(tmp_path, {"config": {"_id": "rs0"}, "users": {"admin": "rotated"}})
    assert code == 1 and "createUser" not in names(result)
