"""Config files into a created (not yet started) container: one tar, owner and mode set per file.

Why a tar through `put_archive` and not a bind mount: the owner must be the server's uid inside the
image (a key file 0400 owned by the service's user), which a host directory cannot promise, and it works the
same against a remote Docker host.
"""

from __future__ import annotations

import io
import tarfile
from pathlib import PurePosixPath

from ...plan.definitions import DeliveredFile


def files_archive(files: list[DeliveredFile]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        owners: dict[str, set[tuple[int, int]]] = {}
        for f in files:
            owners.setdefault(str(PurePosixPath(f.path).parent).lstrip("/"), set()).add((f.uid, f.gid))
        for directory, owner in sorted(owners.items()):
            info = tarfile.TarInfo(directory)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            if len(owner) == 1:
                # The server's own directory: a server that rewrites a file of its own there (saving an ACL
                # file means writing a temporary file beside it, then renaming it) must be able to. It owns the
                # files in it already, so owning the directory gives it nothing more.
                info.uid, info.gid = next(iter(owner))
            tar.addfile(info)
        for f in files:
            data = f.content.encode()
            info = tarfile.TarInfo(f.path.lstrip("/"))
            info.size, info.mode, info.uid, info.gid = len(data), f.mode, f.uid, f.gid
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
