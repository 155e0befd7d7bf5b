"""Issue 14 end to end on a fresh `local` environment: three `datastack migrate` started together all exit 0
and leave every store complete (the check suite passes); then a MongoDB server that hangs (SIGSTOP) in the
middle of `datastack check` costs a bounded time and one clear failure per affected check."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.support.environments import throwaway_environment

from .helpers import check, messages, without_mongo_express

pytestmark = pytest.mark.integration

HANG_BUDGET_S = 60  # the suite alone takes ~10 s; a hang costs one driver timeout, then its checks fail at once


@pytest.fixture(scope="module")
def fresh_env():
    with throwaway_environment("datastack-concurrent-", mutate=without_mongo_express) as env:
        yield env


def test_three_migrators_on_a_fresh_environment_all_exit_0_and_every_store_is_complete(fresh_env):
    command = [sys.executable, "-m", "datastack.cli", "migrate", "--spec", str(fresh_env.spec_path)]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [out[-2000:] + err[-2000:] for out, err in results]
    code, report, output = check(fresh_env)
    assert code == 0, output
    assert report["counts"]["failed"] == 0


def test_a_hanging_mongodb_during_check_fails_its_checks_within_a_bounded_time(fresh_env):
    fresh_env.cli("migrate")  # a no-op after the test above; makes this one stand alone
    pid = _mongo_pid(fresh_env)
    out = fresh_env.root / "hang.json"
    command = [sys.executable, "-m", "datastack.cli", "check", "--spec", str(fresh_env.spec_path), "--json", str(out)]
    started = time.monotonic()
    suite = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_for_first_mongo_connection(fresh_env, pid, suite)
        os.kill(pid, signal.SIGSTOP)
        output, _ = suite.communicate(timeout=HANG_BUDGET_S + 60)
    finally:
        os.kill(pid, signal.SIGCONT)
        if suite.poll() is None:
            suite.kill()
    took = time.monotonic() - started
    assert suite.returncode == 1 and "Traceback" not in output, output[-3000:]
    assert took < HANG_BUDGET_S, f"a hanging MongoDB made the suite take {took:.0f} s"
    report = json.loads(out.read_text())
    failed = messages(report)
    assert failed and all("mongodb" in k for k in failed), sorted(failed)
    hung = [m for m in failed.values() if "stopped answering during the check" in m]
    assert len(hung) == len(failed), {k: m for k, m in failed.items() if m not in hung}  # the same cause, one line each
    assert all(m.count(" — fix: ") == 1 and "\n" not in m for m in hung), hung
    passed = {c["service"] for c in report["checks"] if c["outcome"] == "passed"}
    assert {"postgres", "redis"} <= passed


def _mongo_pid(env) -> int:
    import re

    port = env.endpoints().mongodb.hosts[0].rsplit(":", 1)[1]
    out = subprocess.run(["ss", "-Htlnp", f"sport = :{port}"], capture_output=True, text=True).stdout
    return int(re.search(r"pid=(\d+)", out).group(1))


def _wait_for_first_mongo_connection(env, pid: int, suite: subprocess.Popen) -> None:
    """The suite is mid-run once it holds a connection to MongoDB: hang the server then, not before."""
    port = env.endpoints().mongodb.hosts[0].rsplit(":", 1)[1]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and suite.poll() is None:
        peers = subprocess.run(["ss", "-Htnp", "state", "established", f"dport = :{port}"], capture_output=True,
                               text=True).stdout
        if f"pid={suite.pid}," in peers:
            return
        time.sleep(0.05)
    raise AssertionError("the check suite never connected to MongoDB")


def test_check_fails_when_an_application_user_can_reach_the_ledger(fresh_env):
    import pymongo

    fresh_env.cli("migrate")
    readonly = next(u.name for u in fresh_env.spec.services.mongodb.databases["bot_core"].users if u.access == "readonly")
    grant = [{"role": "readWrite", "db": "_datastack"}]
    with pymongo.MongoClient(fresh_env.uri("mongodb")) as admin:
        admin.bot_core.command("grantRolesToUser", readonly, roles=grant)
        try:
            code, report, output = check(fresh_env, "-k", "ledger_or_lease")
        finally:
            admin.bot_core.command("revokeRolesFromUser", readonly, roles=grant)
    failed = messages(report)
    assert code == 1 and len(failed) == 4, output  # read and write, ledger and lease
    assert all(f"bot_core.{readonly} (readonly) can" in m and "_datastack." in m and " — fix: " in m for m in failed.values())
    code, report, output = check(fresh_env, "-k", "ledger_or_lease")
    assert code == 0 and report["counts"]["passed"] == 4, output
