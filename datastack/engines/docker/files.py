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
        directories = sorted({str(PurePosixPath(f.path).parent).lstrip("/") for f in files})
        for directory in directories:
            info = tarfile.TarInfo(directory)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            tar.addfile(info)
        for f in files:
            data = f.content.encode()
            info = tarfile.TarInfo(f.path.lstrip("/"))
            info.size, info.mode, info.uid, info.gid = len(data), f.mode, f.uid, f.gid
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()
