"""Report paths are checked before a run, so a typo costs one line and exit 2, not a whole check run."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import UserError


def check_writable(option: str, path: Path) -> None:
    """Try the path for real (open for append, remove it again if it was new): permission bits lie to root."""
    fix = "pick a path in a directory you can write, or create that directory"
    if path.is_dir():
        raise UserError(f"{option} {path}: is a directory", fix="give a file name inside it")
    if not path.resolve().parent.is_dir():
        raise UserError(f"{option} {path}: its directory does not exist", fix=fix)
    existed = path.exists()
    try:
        with open(path, "a"):
            pass
    except OSError as exc:
        raise UserError(f"{option} {path}: cannot write it ({exc.strerror})", fix=fix) from None
    if not existed:
        os.unlink(path)
