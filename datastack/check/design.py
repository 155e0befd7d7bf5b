"""The environment's declared design for reports: collections and their indexes, critical queries,
references and users per store. Names and roles only: no password or secret reference ever enters it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..spec import EnvironmentSpec


@dataclass
class CollectionDesign:
    name: str
    kind: str  # collection | capped | time-series
    indexes: list[str]


@dataclass
class DatabaseDesign:
    title: str  # the store and the database, as the report heads it
    collections: list[CollectionDesign] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)


@dataclass
class Design:
    databases: list[DatabaseDesign] = field(default_factory=list)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (store, user, access and roles)


def declared_design(spec: EnvironmentSpec) -> Design:
    """Every declared service adds its own part (`Service.design`, in roles/<service>/design.py)."""
    from ..services import declared_services

    design = Design()
    for service in declared_services(spec):
        if service.design is not None:
            service.design(spec, design)
    return design
