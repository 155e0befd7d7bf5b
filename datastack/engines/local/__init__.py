"""The embedded default engine: services as local processes."""

from .engine import LocalEngine

__all__ = ["LocalEngine"]
