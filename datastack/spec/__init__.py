"""The environment spec: models, loading with readable errors, and secret resolution."""

from .environment import ENVIRONMENT_NAMES, EnvironmentSpec, Services
from .load import load_environment, load_spec_file
from .secrets import MASK, SecretStore

__all__ = ["ENVIRONMENT_NAMES", "EnvironmentSpec", "Services", "load_environment", "load_spec_file", "MASK", "SecretStore"]
