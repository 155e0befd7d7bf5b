"""The local engine: every service of a plan as a process under <state_dir>/<service>/.

`up` is idempotent: a service whose config hash is unchanged and whose process is alive is left
alone; a changed one is restarted; a new one is initialised, started, awaited, given its first
administrator (first-start steps), then its store's reconciler makes every other login.
A failed `up` stops whatever it started itself, so nothing is left half-running.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

from ..base import Engine, ServiceState
from ...endpoints import Endpoints
from ...errors import DatastackError, RuntimeFailure, UserError
from ...paths import state_root
from ...plan.model import Plan, RenderedFile, ServicePlan
from ...probes import tcp_open, wait_until_ready
from ...services import service_named
from ...spec import EnvironmentSpec
from ...state_dir import check_purgeable
from .process import Record, is_alive, proc_exe, proc_stat, run_as_kwargs, start_process, stop_process, tail
from .runtime import check_binaries, check_state_dir_reachable, ensure_runtime, ensure_service_users, runtime_python
from .safe_fs import ensure_dir, own_tree, write_atomic

# Who owns what under <state>/<service>/: root keeps the directory itself, conf/ (group-readable by the
# service) and run/ (its records); the service user owns what it writes: data/, logs/, socket/.
ROOT_DIRS = {"conf": 0o750, "run": 0o755}
SERVICE_DIRS = {"data": 0o700, "logs": 0o750, "socket": 0o755}

BOOTSTRAPPED = ".bootstrapped"


class LocalEngine(Engine):
    name = "local"

    def __init__(self, spec: EnvironmentSpec, plan: Plan, secrets: dict[str, str], say=lambda line: None):
        super().__init__(spec, plan, secrets, say)
        self.drop_privileges = os.geteuid() == 0

    # ---- paths -------------------------------------------------------------------------------
    def service_dir(self, svc: ServicePlan) -> Path:
        return self.state_dir / svc.name

    def record_path(self, svc: ServicePlan) -> Path:
        return self.service_dir(svc) / "run" / "service.json"

    def first_boot_record_path(self, svc: ServicePlan) -> Path:
        """The unauthenticated first boot is recorded too: a killed `up` must not leave it serving."""
        return self.service_dir(svc) / "run" / "first-boot.json"

    def log_path(self, svc: ServicePlan) -> Path:
        return Path(svc.log_file) if svc.log_file else self.service_dir(svc) / "logs" / f"{svc.name}.log"

    def service_ids(self, svc: ServicePlan) -> tuple[int | None, int | None]:
        """(uid, gid) the service runs as, or (None, None) when we do not drop privileges."""
        if not self.drop_privileges:
            return None, None
        entry = pwd.getpwnam(svc.run_as)
        return entry.pw_uid, entry.pw_gid

    def alive(self, svc: ServicePlan, record: Record | None) -> bool:
        """Our process for this service: pid, start time, user and program all match (checked before any signal)."""
        if record is None:
            return False
        try:
            uid = self.service_ids(svc)[0]
        except KeyError:
            # No such user: on a fresh machine nothing of ours runs as them; if the user was deleted under a running
            # server, the uid it started as (recorded) still identifies it, so `down` can stop it.
            if record.uid < 0:
                return False
            uid = record.uid
        return is_alive(record, svc, uid if uid is not None else os.geteuid())

    # ---- up ----------------------------------------------------------------------------------
    def up(self, endpoints: Endpoints) -> dict[str, str]:
        """Bring every service to its planned state; returns {service: unchanged|started|restarted}."""
        check_state_dir_reachable(self.state_dir)
        python = runtime_python(state_root())
        if any(s.command[:1] == [python] for s in self.plan.services):  # Python services run by the runtime venv
            ensure_runtime(python, self.say)
        check_binaries(self.plan)
        self._check_ports()
        ensure_service_users(self.plan, self.say)
        outcome: dict[str, str] = {}
        started_now: list[ServicePlan] = []
        try:
            for svc in self.plan.services:
                outcome[svc.name] = self._converge(svc, started_now, endpoints)
        except BaseException:
            for svc in reversed(started_now):
                self._stop(svc)
            raise
        endpoints.save(self.state_dir / "endpoints.json")
        return outcome

    def _converge(self, svc: ServicePlan, started_now: list[ServicePlan], endpoints: Endpoints) -> str:
        changed_files = self._write_files(svc)
        self._stop_first_boot(svc)
        record = Record.read(self.record_path(svc))
        running = self.alive(svc, record)
        if running and record.config_hash == svc.config_hash() and not changed_files:
            if not tcp_open("127.0.0.1", svc.ports[0]):
                raise RuntimeFailure(f"{svc.name} (pid {record.pid}) is running but not listening on {svc.ports[0]}",
                                     fix=f"datastack down {self.spec.selector}, then up again")
            return "unchanged"
        verb = "restarted" if running else "started"
        if running:
            self.say(f"{svc.name}: configuration changed, restarting")
            self._stop(svc)
        data = Path(svc.data_dir) if svc.data_dir else None
        if svc.init and data and not (data / "PG_VERSION").exists():
            self._init(svc)
        first_start = bool(svc.bootstrap) and not (self.service_dir(svc) / BOOTSTRAPPED).exists()
        if first_start and svc.bootstrap_command:
            self._first_boot(svc)
        self._start(svc)
        started_now.append(svc)
        if first_start and not svc.bootstrap_command:
            self._first_start(svc, svc.ports[0])
        if svc.reconcile_logins:
            self.reconcile_logins(svc, endpoints)
        return verb

    def _write_files(self, svc: ServicePlan) -> bool:
        base = self.service_dir(svc)
        uid, gid = self.service_ids(svc)
        root = 0 if uid is not None else None
        base.parent.mkdir(parents=True, exist_ok=True)
        ensure_dir(base, root, 0 if root is not None else None, 0o755)
        for sub, mode in ROOT_DIRS.items():
            ensure_dir(base / sub, root, gid, mode)
        for sub, mode in SERVICE_DIRS.items():
            ensure_dir(base / sub, uid, gid, mode)
            if uid is not None:
                own_tree(base / sub, uid, gid)
        changed = False
        for f in svc.files:
            parent = Path(f.path).parent
            if parent != base / "conf" and parent.parent == base / "conf":  # one level of folders in conf/ (a package)
                ensure_dir(parent, root, gid, 0o750)
            if f.first_start_only:
                if not Path(f.path).exists():  # afterwards the server owns it (or never reads it again)
                    write_rendered(f, uid, gid)
                continue
            changed |= write_rendered(f, uid, gid)
        return changed

    def _init(self, svc: ServicePlan) -> None:
        self.say(f"{svc.name}: initialising {svc.data_dir}")
        data = Path(svc.data_dir)
        uid, gid = self.service_ids(svc)
        shutil.rmtree(data, ignore_errors=True)  # rmtree never follows links (fd-based on Linux)
        ensure_dir(data, uid, gid, 0o700)
        secret_file = Path(svc.init.secret_file)
        write_atomic(secret_file, self.secrets[svc.init.secret_id] + "\n", 0o600, uid, gid)
        try:
            done = subprocess.run(svc.init.command, capture_output=True, text=True, cwd="/",
                                  **run_as_kwargs(svc.run_as, self.drop_privileges))
        finally:
            secret_file.unlink(missing_ok=True)
        if done.returncode != 0:
            shutil.rmtree(data, ignore_errors=True)
            raise RuntimeFailure(f"{svc.name}: {Path(svc.init.command[0]).name} failed: {done.stderr.strip()[-300:]}")

    def _start(self, svc: ServicePlan, command: list[str] | None = None, port: int | None = None,
               record: Path | None = None) -> subprocess.Popen:
        command = command or svc.command
        record = record or (self.record_path(svc) if command is svc.command else None)
        proc = start_process(svc, command, self.log_path(svc), drop_to_user=self.drop_privileges)
        if record is not None:
            stat = proc_stat(proc.pid)
            uid = self.service_ids(svc)[0]
            Record(pid=proc.pid, config_hash=svc.config_hash(), command=command, started_at=time.time(),
                   boot_ticks=stat[1] if stat else 0, exe=proc_exe(proc.pid) or "",
                   uid=uid if uid is not None else os.geteuid()).write(record)
        probe = svc.readiness if port is None else svc.readiness.model_copy(update={"port": port})
        user, secret = self._probe_login(svc)
        try:
            took = wait_until_ready(probe, svc.name, secret=secret, user=user,
                                    log_tail=lambda: tail(self.log_path(svc)), alive=lambda: proc.poll() is None)
        except DatastackError:
            stop_process(proc.pid, svc.stop_signal)
            if record is not None:
                record.unlink(missing_ok=True)
            raise
        self.say(f"{svc.name}: ready on {probe.port} in {took:.1f}s (pid {proc.pid})")
        return proc

    def _probe_login(self, svc: ServicePlan) -> tuple[str | None, str | None]:
        probe = svc.readiness
        return probe.login_user, self.secrets.get(probe.login_secret_id) if probe.login_secret_id else None

    def _first_boot(self, svc: ServicePlan) -> None:
        """Servers without a localhost exception: the first administrator on a private port, without auth, then stop."""
        port = free_port()
        command = [part.replace("{port}", str(port)) for part in svc.bootstrap_command]
        self.say(f"{svc.name}: first boot without auth on 127.0.0.1:{port} (private) to create the administrator")
        proc = self._start(svc, command=command, port=port, record=self.first_boot_record_path(svc))
        try:
            self._first_start(svc, port)
        finally:
            stop_process(proc.pid, svc.stop_signal)
            self.first_boot_record_path(svc).unlink(missing_ok=True)

    def _first_start(self, svc: ServicePlan, port: int) -> None:
        service_named(svc.role).first_start(svc.bootstrap, "127.0.0.1", port, self.secrets, self.say)
        (self.service_dir(svc) / BOOTSTRAPPED).touch()

    def _check_ports(self) -> None:
        for svc in self.plan.services:
            if self.alive(svc, Record.read(self.record_path(svc))):
                continue  # our own running instance holds its port
            for port in svc.ports:
                if tcp_open("127.0.0.1", port, timeout=0.2) or not port_bindable(svc.bind, port):
                    raise UserError(f"port {port} ({svc.name}) is already in use by another process",
                                    fix="stop that process or change the port in the spec")

    # ---- down / status -----------------------------------------------------------------------
    def down(self, purge: bool = False) -> list[str]:
        stopped = []
        for svc in reversed(self.plan.services):
            if self._stop(svc):
                stopped.append(svc.name)
        if purge and self.state_dir.exists():
            check_purgeable(self.state_dir, self.spec)
            shutil.rmtree(self.state_dir)
        return stopped

    def _stop_first_boot(self, svc: ServicePlan) -> None:
        """A first boot (no auth) left behind by a killed `up` is stopped, whatever else happens."""
        path = self.first_boot_record_path(svc)
        record = Record.read(path)
        if self.alive(svc, record):
            self.say(f"{svc.name}: stopping a first boot left running by an interrupted up (pid {record.pid})")
            stop_process(record.pid, svc.stop_signal)
        path.unlink(missing_ok=True)

    def _stop(self, svc: ServicePlan) -> bool:
        self._stop_first_boot(svc)
        record = Record.read(self.record_path(svc))
        path = self.record_path(svc)
        if not self.alive(svc, record):
            path.unlink(missing_ok=True)
            return False
        if not stop_process(record.pid, svc.stop_signal):
            raise RuntimeFailure(f"{svc.name} (pid {record.pid}) did not stop", fix=f"kill -9 {record.pid}")
        path.unlink(missing_ok=True)
        self.say(f"{svc.name}: stopped")
        return True

    def status(self) -> list[ServiceState]:
        states = []
        for svc in self.plan.services:
            record = Record.read(self.record_path(svc))
            alive = self.alive(svc, record)
            state = "running" if alive else ("dead" if record else "stopped")
            states.append(ServiceState(
                name=svc.name, role=svc.role, implementation=svc.implementation, state=state,
                pid=record.pid if alive else None, ports=svc.ports,
                config_current=(record.config_hash == svc.config_hash()) if alive else None, notes=svc.notes,
            ))
        return states


def write_rendered(f: RenderedFile, uid: int | None = None, gid: int | None = None) -> bool:
    """Write a rendered file into conf/ (root-owned) when its content, mode or owner differs.

    Plain files stay root's (group the service's, so it reads them); a secret is owned by the service
    user and readable by nobody else (some servers refuse a key file any group may read)."""
    path = Path(f.path)
    mode = f.mode if not f.secret else min(f.mode, 0o600)
    owner = (uid if f.secret else 0) if uid is not None else None
    try:
        st = os.lstat(path)
        same = (not os.path.islink(path) and (st.st_mode & 0o777) == mode
                and (owner is None or (st.st_uid, st.st_gid) == (owner, gid))
                and path.read_text() == f.content)
    except OSError:
        same = False
    if same:
        return False
    write_atomic(path, f.content, mode, owner, gid)
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_bindable(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
            return True
        except OSError:
            return False
