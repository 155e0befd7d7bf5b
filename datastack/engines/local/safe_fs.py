"""File operations for root in directories a service user may write to: never follow their links.

The local engine runs as root; each service runs as its own user and owns its `data/`, `logs/` and
`socket/` directories. Anything that user can reach (a server's own write-a-file or run-a-program
commands, a compromised client) may plant a symlink or a hard link there, so root:
- keeps the service directory, `conf/` and `run/` root-owned (group-readable by the service);
- creates or replaces files with `mkstemp` (O_EXCL, a random name) in the target directory, sets owner
  and mode on the open descriptor, then renames over the name (rename replaces a link, never follows it);
- opens log files with O_NOFOLLOW and refuses anything but a regular file with one link;
- changes owners with lchown, never through a link.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from ...errors import RuntimeFailure

AS_ROOT = os.geteuid() == 0


def ensure_dir(path: Path, uid: int | None, gid: int | None, mode: int) -> None:
    """`path` is a real directory (a link in its place is removed) with this owner and mode."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISDIR(st.st_mode):
        if stat.S_ISLNK(st.st_mode):
            os.unlink(path)  # removes the link itself; its target is untouched
            st = None
        else:
            raise RuntimeFailure(f"{path} should be a directory but is a file", fix=f"remove {path}, then up again")
    if st is None:
        os.mkdir(path, mode)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        if uid is not None and AS_ROOT:
            os.fchown(fd, uid, gid if gid is not None else -1)
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def write_atomic(path: Path, content: str | bytes, mode: int, uid: int | None = None, gid: int | None = None) -> None:
    """Replace `path` with `content`: a fresh file made with mkstemp beside it, owner and mode set on the
    descriptor before the rename, so there is no moment where it is wider or owned by someone else."""
    data = content.encode() if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb", closefd=False) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if uid is not None and AS_ROOT:
            os.fchown(fd, uid, gid if gid is not None else -1)
        os.fchmod(fd, mode)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise


def read_regular(path: Path, owner: int | None = None) -> str | None:
    """The text of `path` when it is a regular file (not a link) owned by `owner` (if given), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (owner is not None and st.st_uid != owner):
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(1 << 20).decode(errors="replace")
    finally:
        os.close(fd)


def open_log(path: Path, uid: int | None, gid: int | None) -> int:
    """A descriptor appending to the log file in a service-owned directory. A link (symbolic or hard)
    planted under its name is removed and a fresh file made: root never writes through it."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    for _ in range(3):
        try:
            fd = os.open(path, flags, 0o640)
        except OSError as exc:
            if exc.errno in (40, 6):  # ELOOP (a symlink), ENXIO (a FIFO without reader)
                os.unlink(path)
                continue
            raise
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode) and st.st_nlink == 1:
            if uid is not None and AS_ROOT:
                os.fchown(fd, uid, gid if gid is not None else -1)
            os.set_blocking(fd, True)
            return fd
        os.close(fd)
        os.unlink(path)
    raise RuntimeFailure(f"{path} keeps being replaced by a link", fix=f"look at who writes to {path.parent}")


def own_tree(path: Path, uid: int, gid: int) -> None:
    """Give a service-owned tree to its user with lchown: a link is re-owned itself, never its target,
    and a regular file with other hard links (possibly someone else's file) is left alone."""
    if not AS_ROOT:
        return
    for root, dirs, files in os.walk(path, followlinks=False):
        for name in [*dirs, *files]:
            entry = os.path.join(root, name)
            try:
                st = os.lstat(entry)
                if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
                    continue
                os.chown(entry, uid, gid, follow_symlinks=False)
            except FileNotFoundError:
                continue
