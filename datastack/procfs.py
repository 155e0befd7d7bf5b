"""/proc/<pid>/stat, read once for everyone who needs a process's state, group or start time."""

from __future__ import annotations

from pathlib import Path


def stat_fields(pid: int | str) -> list[str] | None:
    """The fields after the command name (which may hold spaces and ')'): [0] state, [2] process group,
    [19] start time in clock ticks. None when the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
