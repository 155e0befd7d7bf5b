"""Where an environment keeps its state when its spec does not say (`state_dir`).

- Beside the spec: `<spec dir>/.datastack/<name>/`, so two projects (or two checkouts) never share data,
  configs or secrets.json, whatever their environments are called.
- The repository's own environments (files in its `environments/`) keep `<repository>/.datastack/<name>/`,
  where they always were (ignored by git; existing checkouts keep their data).
- `DATASTACK_STATE_ROOT` still moves every environment's state under one root.
- As root, services drop to their own users, who must traverse every directory above their state. When a
  parent is closed to them (a clone under the 0700 /root), the state goes to
  `/var/lib/datastack/<project id>/` instead, chosen here, shown by `status` and `plan`.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from .paths import ENVIRONMENTS_DIR, PROJECT_ROOT

SYSTEM_STATE_ROOT = Path("/var/lib/datastack")
STATE_FOLDER = ".datastack"


def closed_to_others(path: Path) -> Path | None:
    """The first existing directory on the way to `path` that other users cannot traverse, or None."""
    for parent in [*reversed(Path(path).resolve().parents), Path(path).resolve()]:
        if not parent.exists():
            break
        if not parent.stat().st_mode & stat.S_IXOTH:
            return parent
    return None


def project_id(project_dir: Path) -> str:
    """A stable, readable name for a project directory: its name and a hash of its full path."""
    resolved = str(Path(project_dir).resolve())
    name = re.sub(r"[^a-z0-9-]+", "-", Path(resolved).name.lower()).strip("-")[:40] or "project"
    return f"{name}-{hashlib.sha256(resolved.encode()).hexdigest()[:10]}"


def reachable_root(root: Path, project_dir: Path) -> Path:
    """`root`, or its place under /var/lib/datastack when run as root and service users cannot reach it."""
    if os.geteuid() == 0 and closed_to_others(root) is not None:
        return SYSTEM_STATE_ROOT / project_id(project_dir)
    return root


def shared_state_root() -> Path:
    """The repository's own state root (its environments, the service runtime, build caches)."""
    override = os.environ.get("DATASTACK_STATE_ROOT")
    if override:
        return Path(override)
    return reachable_root(PROJECT_ROOT / STATE_FOLDER, PROJECT_ROOT)


def spec_state_root(spec_file: Path | None) -> Path:
    """The state root of the project a spec file belongs to (its directory; the repository's for its own)."""
    if os.environ.get("DATASTACK_STATE_ROOT") or spec_file is None:
        return shared_state_root()
    spec_dir = Path(spec_file).resolve().parent
    if spec_dir == ENVIRONMENTS_DIR.resolve():
        return shared_state_root()
    return reachable_root(spec_dir / STATE_FOLDER, spec_dir)
