"""Initial schema: users, their orders with fills, and positions.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-06
"""
from alembic import op
import sqlalchemy as sa

from roles.postgres.reconcile.columns import bigint_fk, created_updated, identity_pk, money, one_of, timestamp

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        identity_pk(),
        sa.Column("email", sa.String(255), nullable=False, unique=True),
        sa.Column("name", sa.String(255)),
        sa.Column("role", sa.String(20), nullable=False, server_default="user"),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()),
        *created_updated(),
        one_of("role", ("admin", "user"), "ck_users_role"),
    )
    op.create_table(
        "orders",
        identity_pk(),
        bigint_fk("user_id", "users.id", ondelete="CASCADE"),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("side", sa.String(4), nullable=False),
        sa.Column("order_type", sa.String(16), nullable=False, server_default="market"),
        money("quantity", nullable=False),
        money("price"),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        timestamp("placed_at"),
        *created_updated(),
        one_of("side", ("buy", "sell"), "ck_orders_side"),
        one_of("order_type", ("market", "limit", "stop_loss", "amo"), "ck_orders_order_type"),
        one_of("status", ("pending", "amo", "open", "executed", "partially_filled", "cancelled", "rejected", "closed"),
               "ck_orders_status"),
    )
    op.create_index("ix_orders_user_status", "orders", ["user_id", "status"])
    op.create_index("ix_orders_user_created", "orders", ["user_id", "created_at"])
    op.create_table(
        "fills",
        identity_pk(),
        bigint_fk("order_id", "orders.id", ondelete="CASCADE"),
        money("quantity", nullable=False),
        money("price", nullable=False),
        sa.Column("broker_fill_id", sa.String(64)),
        timestamp("filled_at", nullable=False, now=True),
    )
    op.create_index("ix_fills_order", "fills", ["order_id"])
    op.create_table(
        "positions",
        identity_pk(),
        bigint_fk("user_id", "users.id", ondelete="CASCADE"),
        sa.Column("symbol", sa.String(32), nullable=False),
        money("quantity", nullable=False),
        money("avg_price", nullable=False),
        timestamp("opened_at", nullable=False, now=True),
        timestamp("closed_at"),
        *created_updated(),
    )
    op.create_index("ix_positions_user_symbol", "positions", ["user_id", "symbol"])


def downgrade() -> None:
    for table in ("positions", "fills", "orders", "users"):
        op.drop_table(table)
