"""The state directory is datastack's own: `up` claims it with a marker file, `down --purge` deletes only
a directory that holds that marker (or the default one under the state root, which datastack made).

`up` chowns and writes under it as root and `--purge` deletes it, so a `state_dir` of "" (the
project), "/", a home or an existing directory of someone else's must never be accepted.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import UserError
from .paths import PROJECT_ROOT
from .state_location import spec_state_root

MARKER = ".datastack-state"
NEVER = {Path("/"), Path("/root"), Path("/home"), Path("/etc"), Path("/usr"), Path("/var"), Path("/var/lib"), Path("/tmp"),
         Path("/srv"), Path("/opt"), Path("/boot"), Path("/bin"), Path("/sbin"), Path("/lib"), Path("/dev"), Path("/proc"),
         Path("/sys"), Path("/run")}


def default_state_dir(spec) -> Path:
    return spec_state_root(spec.source_file) / spec.name


def _forbidden(path: Path) -> str | None:
    resolved = path.resolve()
    home = Path(os.path.expanduser("~")).resolve()
    if resolved in NEVER or resolved == home:
        return "a system or home directory"
    if resolved == PROJECT_ROOT.resolve() or resolved in PROJECT_ROOT.resolve().parents:
        return "the project itself or one of its parents"
    return None


def _has_marker(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path / MARKER).st_mode)
    except OSError:
        return False


def claim(path: Path, spec) -> None:
    """Before `up` writes anything: `path` is datastack's (marker), or new under a safe parent (then made)."""
    where = f"state_dir {path}"
    problem = _forbidden(path)
    if problem:
        raise UserError(f"{where} is {problem}", fix="set state_dir to a directory of its own, e.g. /var/lib/datastack/<env>")
    if os.path.islink(path):
        raise UserError(f"{where} is a symbolic link", fix="point state_dir at the real directory")
    if path.exists():
        if _has_marker(path):
            return
        if not path.is_dir():
            raise UserError(f"{where} is a file", fix="choose a new path")
        if any(path.iterdir()) and path.resolve() != default_state_dir(spec).resolve():
            raise UserError(f"{where} already exists and was not created by datastack (no {MARKER})",
                            fix="choose a new path (datastack creates it), or empty that directory")
    else:
        parent = next(p for p in path.parents if p.exists())
        st = parent.stat()
        if os.geteuid() == 0 and st.st_uid != 0 and st.st_uid != os.geteuid():
            raise UserError(f"{where}: its parent {parent} belongs to another user", fix="choose a parent owned by root")
        if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
            raise UserError(f"{where}: its parent {parent} is writable by others", fix="choose a parent only root can write")
        path.mkdir(parents=True, mode=0o755)
    (path / MARKER).write_text("This directory is managed by datastack; `datastack down --purge` deletes it.\n")


def check_purgeable(path: Path, spec) -> None:
    """Refuse to delete anything datastack did not make."""
    problem = _forbidden(path)
    if problem:
        raise UserError(f"refusing to purge state_dir {path}: it is {problem}", fix="remove it by hand if you mean it")
    if os.path.islink(path):
        raise UserError(f"refusing to purge state_dir {path}: it is a symbolic link", fix="remove it by hand")
    if not _has_marker(path) and path.resolve() != default_state_dir(spec).resolve():
        raise UserError(f"refusing to purge state_dir {path}: datastack did not create it (no {MARKER})",
                        fix="remove it by hand if it is really datastack's")
