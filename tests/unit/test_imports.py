"""Every module imports on its own, in a fresh interpreter: no import cycle hides behind import order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from datastack.paths import PROJECT_ROOT

PACKAGES = ("datastack", "roles", "app")


def entry_modules() -> list[str]:
    """Every package and every role module: a cycle shows when any of them is the first import."""
    modules = []
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                modules.append(".".join(parts[:-1]))
            elif parts[0] == "roles" or len(parts) == 2:
                modules.append(".".join(parts))
    return [m for m in modules if not m.endswith("__main__")]


def test_every_module_imports_alone():
    # One interpreter per module (a shared one would hide a cycle behind whatever imported first).
    script = "import importlib, sys; importlib.import_module(sys.argv[1])"
    modules = entry_modules()
    failed = {}
    for module in modules:
        done = subprocess.run([sys.executable, "-c", script, module], cwd=PROJECT_ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            failed[module] = done.stderr.strip().splitlines()[-1]
    assert {"roles.mongodb", "roles.mongodb.plan", "datastack.plan"} <= set(modules)
    assert failed == {}
