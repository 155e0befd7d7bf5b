"""The plan: engine-neutral description of what runs, built purely from the spec."""

from __future__ import annotations

from importlib import import_module

# Resolved on first use (PEP 562): commands that never build a plan (migrate, check) skip its
# template machinery (Jinja2), which `build` pulls in through `context`.
_EXPORTS = {"build_plan": ".build", "state_dir_for": ".build", "Plan": ".model", "ServicePlan": ".model"}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name], __name__), name)
