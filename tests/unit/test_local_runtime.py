"""Pre-flight checks of the local engine name the missing piece and the package that provides it."""

from __future__ import annotations

import pytest

from datastack.engines.local.runtime import check_binaries, world_reachable
from datastack.errors import UserError
from datastack.plan.model import Plan, Probe, ServicePlan


def plan_running(command: list[str]) -> Plan:
    svc = ServicePlan(name="redis", role="redis", implementation="redis-server", command=command, run_as="redis",
                      readiness=Probe(kind="redis", host="127.0.0.1", port=6379))
    return Plan(environment="local", target="local", state_dir="/tmp/x", services=[svc])


def test_missing_binary_names_the_debian_package():
    with pytest.raises(UserError) as caught:
        check_binaries(plan_running(["/nonexistent/redis-server", "redis.conf"]))
    message = caught.value.one_line()
    assert "redis-server not found" in message and "apt-get install redis-server" in message
    assert caught.value.exit_code == 2


def test_present_binary_passes():
    check_binaries(plan_running(["/bin/sh"]))


@pytest.fixture
def tree():
    """A temp dir the service users can traverse; what a test closes is reopened before it is removed."""
    import shutil

    from tests.support.environments import reachable_tmpdir

    root = reachable_tmpdir("datastack-reach-")
    yield root
    for path in [root, *root.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(root)


def test_world_reachable_finds_the_closed_directory(tree):
    closed = tree / "closed"
    (closed / "inner").mkdir(parents=True)
    closed.chmod(0o700)
    assert world_reachable(closed / "inner") == closed
    closed.chmod(0o755)
    assert world_reachable(closed / "inner") is None


def test_a_venv_python_behind_a_closed_directory_is_unreachable_though_its_link_target_is_open(tree):
    """`.venv/bin/python` links to /usr/bin/python3: the service user still has to pass the closed directory."""
    import shutil
    import sys

    closed = tree / "home"
    (closed / "project" / ".venv" / "bin").mkdir(parents=True)
    python = closed / "project" / ".venv" / "bin" / "python"
    python.symlink_to(shutil.which("python3", path="/usr/bin") or sys.executable)
    closed.chmod(0o700)
    assert world_reachable(python) == closed


def test_an_open_venv_linking_into_a_closed_directory_is_unreachable(tree):
    """A clone in /tmp whose venv was made by an interpreter under a closed home (pyenv's, say)."""
    closed = tree / "home"
    (closed / "interpreter").mkdir(parents=True)
    target = closed / "interpreter" / "python3"
    target.write_text("")
    (tree / "venv" / "bin").mkdir(parents=True)
    python = tree / "venv" / "bin" / "python"
    python.symlink_to(target)
    closed.chmod(0o700)
    assert world_reachable(python) == closed


def test_a_service_user_that_does_not_exist_yet_means_nothing_of_ours_runs(tmp_path):
    """A fresh machine: `up` checks ports (is our own server holding them?) before it creates the service users.
    A record left in the state dir must not turn that into a KeyError from getpwnam."""
    import os

    from datastack.engines.local.engine import LocalEngine
    from datastack.engines.local.process import Record

    if os.geteuid() != 0:
        pytest.skip("the engine looks service users up only when it runs as root")
    svc = ServicePlan(name="redis", role="redis", implementation="redis-server", command=["/bin/sh"],
                      run_as="datastack-no-such-user", readiness=Probe(kind="redis", host="127.0.0.1", port=6379))
    plan = Plan(environment="local", target="local", state_dir=str(tmp_path), services=[svc])
    engine = LocalEngine(spec=None, plan=plan, secrets={})
    record = Record(pid=os.getpid(), config_hash="x", command=["/bin/sh"], started_at=0.0)
    assert engine.alive(svc, record) is False
    assert engine.alive(svc, None) is False


def test_a_server_whose_user_was_deleted_is_still_ours_by_its_recorded_uid(tmp_path):
    """`down` must still find (and stop) a server whose service user was removed while it ran."""
    import os
    import dataclasses
    import subprocess

    from datastack.engines.local.engine import LocalEngine
    from datastack.engines.local.process import Record, proc_exe, proc_stat

    if os.geteuid() != 0:
        pytest.skip("the engine looks service users up only when it runs as root")
    sleeper = subprocess.Popen(["/bin/sleep", "60"])
    try:
        svc = ServicePlan(name="redis", role="redis", implementation="redis-server", command=["/bin/sleep", "60"],
                          run_as="datastack-no-such-user", readiness=Probe(kind="redis", host="127.0.0.1", port=6379))
        plan = Plan(environment="local", target="local", state_dir=str(tmp_path), services=[svc])
        engine = LocalEngine(spec=None, plan=plan, secrets={})
        record = Record(pid=sleeper.pid, config_hash="x", command=svc.command, started_at=0.0,
                        boot_ticks=proc_stat(sleeper.pid)[1], exe=proc_exe(sleeper.pid) or "", uid=os.geteuid())
        assert engine.alive(svc, record) is True
        assert engine.alive(svc, dataclasses.replace(record, uid=-1)) is False  # an old record without its uid
        assert engine.alive(svc, dataclasses.replace(record, uid=12345)) is False  # another user's process
    finally:
        sleeper.kill()
        sleeper.wait()
