"""Process supervision for the local engine: start detached, record, find again, stop."""

from __future__ import annotations

import json
import os
import pwd
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ...plan.model import ServicePlan
from ...programs import SYSTEM_PATH

STOP_TIMEOUT_S = 20


@dataclass
class Record:
    """What `up` wrote about a running service: enough to find it again and know if it changed."""

    pid: int
    config_hash: str
    command: list[str]
    started_at: float
    boot_ticks: int = 0  # /proc/<pid>/stat start time: unique per process, survives exec and retitling

    @classmethod
    def read(cls, path: Path) -> "Record | None":
        try:
            return cls(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.__dict__))


def is_alive(record: Record | None) -> bool:
    """Alive and still our process: a recycled pid has another start time (servers retitle
    themselves, e.g. redis, so the command line cannot be trusted for this)."""
    if record is None:
        return False
    stat = proc_stat(record.pid)
    return stat is not None and stat[0] != "Z" and stat[1] == record.boot_ticks


def proc_stat(pid: int) -> tuple[str, int] | None:
    """(state, start time in clock ticks) of a process, or None when it does not exist."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0], int(fields[19])


def service_env(plan: ServicePlan) -> dict[str, str]:
    # The system's PATH, not the caller's: a service must not depend on what a shell happened to hold
    # (a root-only pyenv shim, say); plans name their programs by absolute path.
    env = {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    try:
        env["HOME"] = pwd.getpwnam(plan.run_as).pw_dir
    except KeyError:
        env["HOME"] = "/tmp"
    env.update(plan.environment)
    return env


def run_as_kwargs(user: str, drop_to_user: bool) -> dict:
    """subprocess arguments that run a child as `user` (only when we are root and must drop)."""
    if not drop_to_user:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def start_process(plan: ServicePlan, command: list[str], log_file: Path, *, drop_to_user: bool) -> subprocess.Popen:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        kwargs = run_as_kwargs(plan.run_as, drop_to_user)
        return subprocess.Popen(
            command,
            cwd=plan.working_dir or None,
            env=service_env(plan),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives the CLI; its own process group for a clean stop
            # Files a server writes itself stay private: Redis' ACL SAVE rewrites the ACL file (password digests)
            # with the process umask, which would otherwise leave it 0644.
            umask=0o077,
            **kwargs,
        )


def stop_process(pid: int, stop_signal: str, timeout_s: float = STOP_TIMEOUT_S) -> bool:
    """Ask politely, then insist. Returns True when the process is gone."""
    try:
        os.kill(pid, getattr(signal, stop_signal))
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not _exists(pid):
            return True
        time.sleep(0.05)
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    time.sleep(0.1)
    return not _exists(pid)


def _exists(pid: int) -> bool:
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)  # reap if it is our child
        if finished:
            return False
    except ChildProcessError:
        pass
    stat = proc_stat(pid)
    return stat is not None and stat[0] != "Z"


def tail(path: Path | None, lines: int = 20) -> str:
    if path is None or not path.exists():
        return ""
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - 16384))
        return b"\n".join(fh.read().splitlines()[-lines:]).decode(errors="replace")
