"""Column builders shared by the Alembic revisions under migrations/postgres/.

Revisions are history: never change what an existing builder emits (that would rewrite old
revisions); add a new builder instead.
"""

from __future__ import annotations

import sqlalchemy as sa


def uuid_pk() -> sa.Column:
    """String(36) UUID key; the app generates it, the server default covers raw SQL inserts."""
    return sa.Column("id", sa.String(36), primary_key=True, server_default=sa.text("gen_random_uuid()::text"))


def uuid_fk(name: str, target: str, *, ondelete: str, nullable: bool = False) -> sa.Column:
    """A String(36) reference with an explicit ON DELETE (CASCADE for owned rows, SET NULL for history)."""
    return sa.Column(name, sa.String(36), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def timestamp(name: str, *, nullable: bool = True, now: bool = False) -> sa.Column:
    """Timezone-aware; `now=True` gives a server default so the database, not the client clock, stamps it."""
    default = sa.func.now() if now else None
    return sa.Column(name, sa.DateTime(timezone=True), server_default=default, nullable=nullable)


def created_updated() -> list[sa.Column]:
    return [timestamp("created_at", nullable=False, now=True), timestamp("updated_at", nullable=False, now=True)]


def soft_delete() -> list[sa.Column]:
    """Rows kept for history: flagged, never removed."""
    return [sa.Column("is_deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
            timestamp("deleted_at")]


def money(name: str, *, nullable: bool = True, default: str | None = None) -> sa.Column:
    """Prices and quantities: exact decimals, never floats."""
    return sa.Column(name, sa.Numeric(20, 8), nullable=nullable, server_default=default)


def flag(name: str, default: bool) -> sa.Column:
    return sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.true() if default else sa.false())


def identity_pk() -> sa.Column:
    """BIGINT GENERATED ALWAYS AS IDENTITY: the server numbers rows (trading_service's keys)."""
    return sa.Column("id", sa.BigInteger(), sa.Identity(always=True), primary_key=True)


def bigint_fk(name: str, target: str, *, ondelete: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.BigInteger(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable)


def one_of(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    """A status column limited to its values (stored as text, readable in any client)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=name)
