"""Where the programs datastack starts are installed, found by path and never by the caller's PATH.

A program found only because a developer's PATH happened to hold it (a pyenv shim, a hand-made
symlink) makes a machine-specific green run: on a fresh machine the same command fails. So:
- console scripts of datastack's own environment (SecantusDB, alembic, ...) are the ones beside
  the running interpreter, `sys.executable`;
- system programs are looked up where their Debian packages install them first, then, for
  machines laid out differently, on PATH; either way the caller gets an absolute path.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

# Where Debian's packages (and the project's install scripts) put the programs datastack runs.
SYSTEM_DIRS = ("/usr/sbin", "/usr/bin", "/sbin", "/bin")
# The PATH a clean root shell has on Debian: what tests and CI run with (see tests/conftest.py).
SYSTEM_PATH = ":".join(("/usr/local/sbin", "/usr/local/bin", *SYSTEM_DIRS))


def environment_script(name: str) -> Path:
    """A console script installed into the running interpreter's environment (e.g. `.venv/bin/NAME`).

    `sys.executable` may be a symlink to the base interpreter: the scripts sit beside the link."""
    return Path(sys.executable).parent / name


def system_program(name: str) -> str | None:
    """Absolute path of a system program, from the system's directories first, else from PATH."""
    found = shutil.which(name, path=os.pathsep.join(SYSTEM_DIRS))
    if found is None:
        found = shutil.which(name)
    return str(Path(found).absolute()) if found else None


def path_with(*programs: str) -> str:
    """A PATH for child scripts that call these programs by name (npm's `#!/usr/bin/env node`):
    their directories first, then the system's."""
    dirs = dict.fromkeys(str(Path(program).parent) for program in programs)
    return os.pathsep.join((*dirs, SYSTEM_PATH))
