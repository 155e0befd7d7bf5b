"""The Docker engine: the container plan as labelled containers, named volumes and one network per environment."""

from .engine import DockerEngine

__all__ = ["DockerEngine"]
