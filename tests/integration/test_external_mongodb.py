"""An external MongoDB: a second server started here, outside datastack, declared `external:` in an environment.

`up` must leave it alone (no process, file or login of it), `migrate` creates Bot Core in it, `check` passes with the
host checks skipped as external; a dropped index fails `check` by name and `migrate` repairs it; `down --purge` never
touches it. The same server is then declared by a URI reference (`${env:...}`) and checked again.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from datastack.paths import PROJECT_ROOT
from tests.integration.migrate_mongodb.mongodb_standin import ADMIN_PASSWORD, MongoStandIn
from tests.support.environments import port_free, reachable_tmpdir
from tests.support.external import SpecCli, failed, file_reference

BOT_CORE = PROJECT_ROOT / "migrations" / "mongodb" / "bot_core" / "schema.yaml"
USERS = [("bot_core_admin", "admin", ["dbOwner", "readWrite"]), ("bot_core_app", "app", ["readWrite"]),
         ("bot_core_readonly", "readonly", ["read"])]
PORTS = range(31100, 31200)  # this suite's share of the helpers' range


def _free_port() -> int:
    return next(p for p in PORTS if port_free(p))


def _spec(root: Path, external: dict, state: str = "state") -> dict:
    return {"name": "ext-mongo", "state_dir": str(root / state), "services": {"mongodb": {
        "admin": {"name": "admin", "password": file_reference(root, "admin", ADMIN_PASSWORD)},
        "external": external,
        "databases": {"bot_core": {"schema": str(BOT_CORE), "users": [
            {"name": name, "access": access, "roles": roles, "password": file_reference(root, name, f"pw-{name}-1")}
            for name, access, roles in USERS]}},
    }}}


class External(SpecCli):
    def __init__(self, root: Path, server: MongoStandIn):
        super().__init__(root, root / "ext-mongo.yaml")
        self.server = server
        self.spec_path.write_text(yaml.safe_dump(_spec(root, {"hosts": [server.host]})))


@pytest.fixture(scope="module")
def external():
    root = reachable_tmpdir("datastack-external-mongo-")
    server = MongoStandIn(root)
    server.port = _free_port()
    external = External(root, server)
    try:
        server.start()  # its administrator made without --auth, then restarted with --auth
        yield external
    finally:
        external.purge()
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def _users(server: MongoStandIn, database: str) -> list[str]:
    with server.admin_client() as client:
        return sorted(u["user"] for u in client[database].command("usersInfo")["users"])


def test_plan_shows_it_external(external):
    done = external.cli("plan", "--json")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert not [s for s in plan["services"] if s["role"] == "mongodb"]
    assert any("mongodb is external" in note and external.server.host in note for note in plan["notes"])


def test_up_leaves_the_external_server_alone(external):
    pid = external.server.process.pid
    done = external.cli("up")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "mongodb is external" in done.stdout
    assert external.server.process.poll() is None and external.server.process.pid == pid
    state = external.root / "state"
    assert not list(state.rglob("*mongo*")), f"up wrote files for an external server: {list(state.rglob('*mongo*'))}"
    assert _users(external.server, "bot_core") == []  # no first start, no logins: those are migrate's
    endpoints = json.loads((state / "endpoints.json").read_text())
    assert endpoints["mongodb"]["hosts"] == [external.server.host] and endpoints["mongodb"]["external"] is True


def test_migrate_builds_bot_core_in_it_and_check_passes(external):
    done = external.cli("migrate", "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["totals"]["applied"] >= 45
    with external.server.admin_client() as client:
        assert "trades" in client.bot_core.list_collection_names()
    assert _users(external.server, "bot_core") == sorted(name for name, _, _ in USERS)

    code, report = external.check()
    assert code == 0 and not failed(report), failed(report)
    mongo = [c for c in report["checks"] if c["service"] == "mongodb"]
    host_checks = [c for c in mongo if "own_user" in c["id"] or "declared_ports" in c["id"] or "files_safe" in c["id"]]
    assert host_checks and all(c["outcome"] == "skipped" and "external" in c["message"] for c in host_checks), host_checks
    assert any(c["outcome"] == "passed" and "ping" in c["id"] for c in mongo)
    assert any(c["outcome"] == "passed" and c["category"] == "latency" for c in mongo)


def test_a_dropped_index_fails_check_by_name_and_migrate_repairs_it(external):
    with external.server.admin_client() as client:
        index = next(i["name"] for i in client.bot_core.trades.list_indexes() if i["name"] != "_id_")
        client.bot_core.trades.drop_index(index)
    code, report = external.check()
    messages = " ".join(failed(report).values())
    assert code == 1 and index in messages, messages

    done = external.cli("migrate")
    assert done.returncode == 0, done.stdout + done.stderr
    with external.server.admin_client() as client:
        assert index in {i["name"] for i in client.bot_core.trades.list_indexes()}
    code, report = external.check()
    assert code == 0, failed(report)


def test_uri_reaches_it_as_the_declared_users(external):
    from pymongo import MongoClient

    done = external.cli("uri", "mongodb", "--as", "bot_core_app")
    assert done.returncode == 0, done.stderr
    with MongoClient(done.stdout.strip(), serverSelectionTimeoutMS=5000) as client:
        assert client.bot_core.command("ping")["ok"] == 1


def test_declared_by_a_uri_reference_it_checks_the_same(external):
    spec = external.root / "by-uri.yaml"
    # Credentials in the referenced URI are replaced by the section's admin; its options are kept.
    spec.write_text(yaml.safe_dump(_spec(external.root, {"uri": "${env:EXTERNAL_MONGO_URI}"}, "state-by-uri")))
    uri = f"mongodb://someone:not-used@{external.server.host}/?directConnection=true&appName=external-test"
    plan = external.cli("plan", spec=spec, env={"EXTERNAL_MONGO_URI": uri})
    assert plan.returncode == 0 and "not-used" not in plan.stdout and external.server.host not in plan.stdout, plan.stdout
    migrated = external.cli("migrate", "--json", spec=spec, env={"EXTERNAL_MONGO_URI": uri})
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert json.loads(migrated.stdout)["totals"]["applied"] == 0  # the same server, already at the spec
    out = external.root / "by-uri.json"
    done = external.cli("check", "--json", str(out), spec=spec, env={"EXTERNAL_MONGO_URI": uri})
    report = json.loads(out.read_text())
    assert done.returncode == 0, failed(report)
    assert "not-used" not in done.stdout + done.stderr + out.read_text()
    # Read-only (the on-call runbook): the readonly user's password and where the server is, nothing more.
    done = external.cli("check", "--read-only", "--json", str(out), spec=spec, env={"EXTERNAL_MONGO_URI": uri})
    assert done.returncode == 0, failed(json.loads(out.read_text()))


def test_down_purge_never_touches_it(external):
    done = external.cli("down", "--purge")
    assert done.returncode == 0, done.stdout + done.stderr
    assert external.server.process.poll() is None
    with external.server.admin_client() as client:
        assert "trades" in client.bot_core.list_collection_names()
