"""Where datastack finds its project files and keeps its state."""

from __future__ import annotations

import os
from pathlib import Path

# The repository is the product: environments/, templates/, migrations/ live beside the package.
PROJECT_ROOT = Path(os.environ.get("DATASTACK_PROJECT", Path(__file__).resolve().parents[1]))
ENVIRONMENTS_DIR = PROJECT_ROOT / "environments"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
CHECKS_DIR = PROJECT_ROOT / "checks"


def state_root() -> Path:
    """Root of every environment's state; DATASTACK_STATE_ROOT moves it (e.g. off a 0700 home)."""
    override = os.environ.get("DATASTACK_STATE_ROOT")
    return Path(override) if override else PROJECT_ROOT / ".datastack"


def environment_file(name: str) -> Path:
    return ENVIRONMENTS_DIR / f"{name}.yaml"


def display(path: Path) -> str:
    """A path as a person wants to read it: relative to the project when inside it."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
