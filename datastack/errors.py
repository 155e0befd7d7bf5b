"""Errors meant for people: one line with what is wrong, where, and how to fix it.

`UserError` ends a command with exit code 2 (bad input or bad usage); `RuntimeFailure`
with exit code 1 (the input was fine, the world was not: a server down, a check failing).
"""

from __future__ import annotations


class DatastackError(Exception):
    exit_code = 1

    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None):
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = [f"{self.where}: {self.what}" if self.where else self.what]
        if self.fix:
            parts.append(f"fix: {self.fix}")
        return " — ".join(parts)


class UserError(DatastackError):
    """Bad input: a spec, a flag or a file the user controls. Exit code 2."""

    exit_code = 2


class RuntimeFailure(DatastackError):
    """Valid input, failed outcome: unreachable server, timeout, failed step. Exit code 1."""

    exit_code = 1
