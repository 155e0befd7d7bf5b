"""What every store's migrator returns: the planned and applied changes, drift and revisions.

`datastack migrate` prints these per store and serialises them for `--json`.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field


class Change(BaseModel):
    store: str = Field(description="the store's registered name")
    target: str = Field(description="what changes, e.g. 'bot_core.trades' or 'algo_trading.role algo_trading_app'")
    action: str = Field(description="e.g. create_collection, coll_mod, create_index, create_user, alembic_upgrade")
    detail: str = ""
    applied: bool = False


class StoreReport(BaseModel):
    store: str
    database: str | None = None
    planned: list[Change] = Field(default_factory=list)
    applied: list[Change] = Field(default_factory=list)
    drift: list[str] = Field(default_factory=list, description="differences left alone (need a flag to repair)")
    revision: dict[str, str | None] = Field(default_factory=dict, description="e.g. {'current': ..., 'head': ...}")
    notes: list[str] = Field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {"planned": len(self.planned), "applied": len(self.applied), "drift": len(self.drift)}


class MigrateOptions(BaseModel):
    dry_run: bool = False
    rebuild_indexes: bool = False
    prune: bool = False
    repair: bool = False
    lock_timeout_s: float = 60.0
    # Called with one short line per long step; the CLI turns it into progress output.
    progress: Callable[[str], None] | None = Field(default=None, exclude=True)

    def say(self, line: str) -> None:
        if self.progress:
            self.progress(line)
