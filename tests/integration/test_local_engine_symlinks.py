"""Root never follows a service user's file: links planted in every service directory, forged pid records,
then `up` and `down` — no file outside the state directory changes owner, mode or content, and no process
outside the environment is signalled."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.environments import create_environment, reachable_tmpdir

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(os.geteuid() != 0, reason="services drop to their own users only as root")]

SERVICES = ("mongodb", "postgres", "redis")
DIRS = ("conf", "run", "data", "logs", "socket")


def only(data):
    for key in list(data["services"]):
        if key not in SERVICES:
            del data["services"][key]


def snapshot(root: Path) -> dict:
    state = {}
    for path in sorted(root.rglob("*")):
        st = os.lstat(path)
        content = path.read_bytes() if path.is_file() and not path.is_symlink() else None
        state[str(path)] = (st.st_uid, st.st_gid, st.st_mode, content)
    return state


def decoy_process(user: str | None) -> subprocess.Popen:
    kwargs = {}
    if user:
        entry = pwd.getpwnam(user)
        kwargs = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    return subprocess.Popen(["/bin/sleep", "600"], start_new_session=True, **kwargs)


def forge_record(path: Path, proc: subprocess.Popen) -> None:
    ticks = int(Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    path.write_text(json.dumps({"pid": proc.pid, "config_hash": "forged", "command": ["/bin/sleep"],
                                "started_at": time.time(), "boot_ticks": ticks}))


def test_planted_links_and_forged_records_change_nothing_outside_the_state_directory():
    env = create_environment(mutate=only)  # up once: every service directory exists
    outside = reachable_tmpdir("ds-decoy-")
    decoys: list[subprocess.Popen] = []
    try:
        env.cli("down")
        state = Path(env.spec.state_dir)
        (outside / "dir").mkdir()
        for name in ("file", "log", "conf", "record", "hard", "secret"):
            (outside / name).write_text(f"decoy {name}\n")
            os.chmod(outside / name, 0o644)
        services = [d for d in state.iterdir() if d.is_dir() and (d / "conf").exists()]
        assert {s.name for s in services} >= {"postgres", "redis"}
        for svc in services:
            for sub in DIRS:
                d = svc / sub
                if not d.exists():
                    continue
                (d / "planted-file").symlink_to(outside / "file")
                (d / "planted-dir").symlink_to(outside / "dir")
            # The names root itself writes or reads, each a link out of the state directory.
            log = svc / "logs" / f"{svc.name}.log"
            log.unlink(missing_ok=True)
            log.symlink_to(outside / "log")
            for conf in (svc / "conf").iterdir():
                if conf.is_file() and not conf.is_symlink() and conf.name != ".bootstrapped":
                    conf.unlink()
                    conf.symlink_to(outside / "conf")
            os.link(outside / "hard", svc / "data" / "hardlink")
        # Forged records: one pointing at a process of root, one at a process of the service's own user.
        victims = {"redis": decoy_process(None), "postgres": decoy_process("postgres")}
        decoys += victims.values()
        for name, proc in victims.items():
            forge_record(state / name / "run" / "service.json", proc)
        (state / "redis" / "run" / "first-boot.json").symlink_to(outside / "record")
        before = snapshot(outside)

        up = env.cli("up", check=False)
        assert up.returncode == 0, up.stderr
        down = env.cli("down", check=False)
        assert down.returncode == 0, down.stderr

        assert snapshot(outside) == before, "a file outside the state directory changed"
        for proc in decoys:
            assert proc.poll() is None, f"decoy pid {proc.pid} was signalled"
        for svc in services:
            for sub in ("conf", "run"):
                st = os.lstat(svc / sub)
                assert st.st_uid == 0 and not st.st_mode & 0o022, f"{svc / sub} must stay root's"
            assert os.lstat(svc).st_uid == 0
    finally:
        for proc in decoys:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        env.destroy()
        shutil.rmtree(outside, ignore_errors=True)


def test_purge_refuses_a_state_dir_datastack_did_not_create(tmp_path):
    env = create_environment(mutate=lambda d: [only(d), d["services"].pop("mongodb"), d["services"].pop("postgres")],
                             up=False)
    try:
        state = Path(env.spec.state_dir)
        state.mkdir(parents=True)
        (state / "precious.txt").write_text("not datastack's\n")
        up = env.cli("up", check=False)
        assert up.returncode == 2 and "was not created by datastack" in up.stderr and "Traceback" not in up.stderr
        purge = env.cli("down", "--purge", check=False)
        assert purge.returncode == 2 and "refusing to purge" in purge.stderr
        assert (state / "precious.txt").read_text() == "not datastack's\n"
    finally:
        shutil.rmtree(env.root, ignore_errors=True)
