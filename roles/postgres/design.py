"""PostgreSQL in the report's design: its login roles per database and their access."""

from __future__ import annotations

from datastack.check.design import Design
from datastack.spec import EnvironmentSpec


def postgres_design(spec: EnvironmentSpec, design: Design) -> None:
    for db_name, d in spec.services.postgres.databases.items():
        design.users += [("postgres", f"{db_name}.{u.name}", u.access) for u in d.users]
