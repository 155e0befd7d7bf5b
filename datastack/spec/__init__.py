"""The environment spec: models, loading with readable errors, and secret resolution.

Names are resolved on first use: a service's spec model (roles/<service>/spec.py) imports
`datastack.spec.common` without pulling in the whole environment model, which imports it back.
"""

from importlib import import_module

_WHERE = {
    "ENVIRONMENT_NAMES": "environment", "EnvironmentSpec": "environment", "Services": "environment",
    "load_environment": "load", "load_spec_file": "load",
    "MASK": "secrets", "SecretStore": "secrets",
}

__all__ = list(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
