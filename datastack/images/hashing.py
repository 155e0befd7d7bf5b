"""Content hashes that name images: same recipe files (and same base) → same hash → reuse the image."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

# Tags carry a prefix of the sha256: long enough to never collide among a project's recipes, short to read.
TAG_HASH_LENGTH = 12


def hash_files(files: Mapping[str, Path], *, parent_hash: str = "") -> str:
    """sha256 over each file's context path, executable bit and bytes, in path order, plus `parent_hash`.

    The executable bit is part of it because an entry script that loses +x breaks the image.
    """
    digest = hashlib.sha256()
    digest.update(f"parent:{parent_hash}\n".encode())
    for name in sorted(files):
        path = files[name]
        executable = bool(path.stat().st_mode & 0o111)
        digest.update(f"file:{name}:{'x' if executable else '-'}:{path.stat().st_size}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def hash_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def short(full_hash: str) -> str:
    return full_hash[:TAG_HASH_LENGTH]
