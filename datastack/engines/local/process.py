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
from ...procfs import stat_fields
from ...programs import SYSTEM_PATH
from .safe_fs import open_log, read_regular, write_atomic

STOP_TIMEOUT_S = 20


@dataclass
class Record:
    """What `up` wrote about a running service: enough to find it again and know if it changed."""

    pid: int
    config_hash: str
    command: list[str]
    started_at: float
    boot_ticks: int = 0  # /proc/<pid>/stat start time: unique per process, survives exec and retitling
    exe: str = ""  # /proc/<pid>/exe when it started
    uid: int = -1  # the user it runs as

    @classmethod
    def read(cls, path: Path) -> "Record | None":
        """Only a regular file owned by us (root): a record a service user could have planted is ignored."""
        text = read_regular(path, owner=os.geteuid())
        if text is None:
            return None
        try:
            record = cls(**json.loads(text))
        except (ValueError, TypeError):
            return None
        return record if isinstance(record.pid, int) and record.pid > 1 else None

    def write(self, path: Path) -> None:
        write_atomic(path, json.dumps(self.__dict__), 0o644)


def is_alive(record: Record | None, plan: ServicePlan | None = None, uid: int | None = None) -> bool:
    """Alive and still our process: a recycled pid has another start time (servers retitle
    themselves, so the command line cannot be trusted for this); before any signal, the
    process must also run as the service's user and one of the service's programs."""
    if record is None or record.pid <= 1:
        return False
    stat = proc_stat(record.pid)
    if stat is None or stat[0] == "Z" or stat[1] != record.boot_ticks:
        return False
    if uid is not None and proc_uid(record.pid) != uid:
        return False
    if plan is not None:
        exe = proc_exe(record.pid)
        if exe is None or exe not in allowed_executables(plan, record):
            return False
    return True


def proc_uid(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def proc_exe(pid: int) -> str | None:
    try:
        return os.path.realpath(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return None


def allowed_executables(plan: ServicePlan, record: Record | None = None) -> set[str]:
    """The programs a service's process may be: its command, any program its command or environment
    names by path (a launcher script execs NODE), and what it was when it started."""
    candidates = [*plan.command, *plan.environment.values(), *(plan.bootstrap_command or [])]
    found = {os.path.realpath(c) for c in candidates if isinstance(c, str) and c.startswith("/") and os.path.isfile(c)}
    for script in list(found):
        try:
            with open(script, "rb") as fh:
                first = fh.readline(256)
        except OSError:
            continue
        if first.startswith(b"#!"):
            interpreter = first[2:].split()[0].decode(errors="replace") if first[2:].split() else ""
            if interpreter.startswith("/"):
                found.add(os.path.realpath(interpreter))
    if record is not None and record.exe:
        found.add(record.exe)
    return found


def proc_stat(pid: int) -> tuple[str, int] | None:
    """(state, start time in clock ticks) of a process, or None when it does not exist."""
    fields = stat_fields(pid)
    return None if fields is None else (fields[0], int(fields[19]))


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
    kwargs = run_as_kwargs(plan.run_as, drop_to_user)
    # The log directory belongs to the service user: opened without following a link it may have planted.
    fd = open_log(log_file, kwargs.get("user"), kwargs.get("group"))
    with os.fdopen(fd, "ab") as log:
        return subprocess.Popen(
            command,
            cwd=plan.working_dir or None,
            env=service_env(plan),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # survives the CLI; its own process group for a clean stop
            # Files a server writes itself stay private: a server that rewrites its own user file (password digests)
            # does so with the process umask, which would otherwise leave it 0644.
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
