"""`datastack diff`: compare two live environments (read-only) and say what differs."""

from .compare import Difference, compare_snapshots
from .snapshot import read_snapshot

__all__ = ["Difference", "compare_snapshots", "read_snapshot"]
