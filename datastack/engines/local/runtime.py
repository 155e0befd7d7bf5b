"""Preconditions of the local engine: binaries, service users, and a Python the users can run.

As root, services drop to their own system users. Those users cannot run an interpreter that
lives under a 0700 home (pyenv in /root), so Python services then get a small runtime venv
made from Debian's python3 under the state root, built once per requirement set.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

from ...errors import UserError
from ...plan.model import Plan
from ...plan.toolchain import install_hint
from ...programs import system_program

SYSTEM_PYTHON = "/usr/bin/python3"


def runtime_requirements() -> list[str]:
    """What every registered service's Python processes need, in registry order, each once."""
    from ...services import registered_services

    return list(dict.fromkeys(r for s in registered_services() for r in s.runtime_requirements))


def world_reachable(path: Path) -> Path | None:
    """The first directory on the way to `path` that other users cannot traverse, or None. Both the path as it
    will be executed and where its links lead: a venv's `bin/python` may link to /usr/bin/python3 from inside a
    closed home (the user must pass that home, and needs the venv's site-packages), or from an open checkout
    to an interpreter inside a closed home (pyenv's)."""
    from ...state_location import closed_to_others

    return closed_to_others(Path(os.path.abspath(path)).parent) or closed_to_others(Path(path).resolve().parent)


def runtime_python(state_root: Path) -> str:
    """The interpreter Python services should use on this machine."""
    if os.geteuid() != 0 or world_reachable(Path(sys.executable)) is None:
        return sys.executable
    digest = hashlib.sha256("\n".join(runtime_requirements()).encode()).hexdigest()[:12]
    return str(state_root / f".runtime-{digest}" / "bin" / "python")


def ensure_runtime(python: str, say) -> None:
    if python == sys.executable or Path(python).exists():
        return
    venv = Path(python).parent.parent
    if not Path(SYSTEM_PYTHON).exists():
        raise UserError(f"{SYSTEM_PYTHON} not found (needed for services run as non-root users)", fix="apt-get install python3 python3-venv")
    say(f"building the service runtime venv {venv.name} (once)")
    tmp = venv.with_name(venv.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    made = subprocess.run([SYSTEM_PYTHON, "-m", "venv", str(tmp)], capture_output=True, text=True)
    if made.returncode != 0:
        raise UserError("cannot create the service runtime venv", fix="apt-get install python3-venv")
    pip = subprocess.run([str(tmp / "bin" / "pip"), "install", "-q", *runtime_requirements()], capture_output=True, text=True)
    if pip.returncode != 0:
        raise UserError(f"pip could not install the service runtime: {pip.stderr.strip().splitlines()[-1:]}", fix="check PyPI access")
    tmp.rename(venv)  # renamed only when complete, so a killed build is redone, never half-used


def check_binaries(plan: Plan) -> None:
    for svc in plan.services:
        exe = svc.command[0] if svc.command else None
        if exe and not (Path(exe).is_absolute() and Path(exe).exists()):  # plans name programs by path
            name = Path(exe).name
            raise UserError(f"{svc.name}: {name} not found", fix=install_hint(name))
        if svc.command[1:2] == ["-m"] and exe == sys.executable:  # a Python module run by this interpreter
            import importlib.util

            module = svc.command[2]
            if importlib.util.find_spec(module) is None:
                raise UserError(f"{svc.name}: the Python module {module} is not installed", fix=install_hint(module))
        if svc.init:
            init = svc.init.command[0]
            if not (Path(init).is_absolute() and Path(init).exists()):
                raise UserError(f"{svc.name}: {Path(init).name} not found", fix=install_hint(Path(init).name))


def ensure_service_users(plan: Plan, say) -> None:
    """As root, each service runs as its own system user; create the missing ones like a package would."""
    if os.geteuid() != 0:
        return
    for user in sorted({svc.run_as for svc in plan.services}):
        try:
            pwd.getpwnam(user)
        except KeyError:
            # /usr/sbin is missing from some root shells' PATH (`su` without `-`): by path.
            useradd = system_program("useradd") or "/usr/sbin/useradd"
            done = subprocess.run([useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                raise UserError(f"service user {user} does not exist and useradd failed: {done.stderr.strip()}",
                                fix=f"create it: useradd --system {user}") from None
            say(f"created system user {user}")


def check_state_dir_reachable(state_dir: Path) -> None:
    if os.geteuid() != 0:
        return
    blocker = world_reachable(state_dir)
    if blocker is not None:
        raise UserError(
            f"state directory {state_dir} is not reachable by the service users ({blocker} is mode "
            f"{oct(blocker.stat().st_mode & 0o777)})",
            fix="remove state_dir from the spec (datastack then chooses /var/lib/datastack/<project>), or set it to a "
                "directory they can reach",
        )
