"""Alembic settings for every database, read from `[tool.datastack.alembic]` in pyproject.toml."""

from __future__ import annotations

import tomllib
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from datastack.errors import UserError
from datastack.paths import PROJECT_ROOT, display


class AlembicSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version_table: str = Field(default="alembic_version", description="Alembic's ledger table in each database")
    transaction_per_migration: bool = Field(default=True, description="commit each revision on its own")
    lock_namespace: str = Field(default="datastack.alembic", description="seed of the advisory lock key")


@lru_cache(maxsize=1)
def load_alembic_settings() -> AlembicSettings:
    path = PROJECT_ROOT / "pyproject.toml"
    try:
        table = tomllib.loads(path.read_text()).get("tool", {}).get("datastack", {}).get("alembic", {})
    except FileNotFoundError:
        return AlembicSettings()
    try:
        return AlembicSettings.model_validate(table)
    except ValueError as exc:
        first = str(exc).splitlines()[1:2] or ["invalid value"]
        raise UserError(f"[tool.datastack.alembic]: {first[0].strip()}", where=display(path),
                        fix="use version_table, transaction_per_migration, lock_namespace") from None
