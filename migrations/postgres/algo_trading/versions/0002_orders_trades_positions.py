"""Orders, trades and positions; orders and trades are soft-deleted to keep their history.

Revision ID: 0002_trading
Revises: 0001_users_strategies
Create Date: 2025-01-20
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from roles.postgres.reconcile.columns import created_updated, money, soft_delete, timestamp, uuid_fk, uuid_pk

revision = "0002_trading"
down_revision = "0001_users_strategies"
branch_labels = None
depends_on = None

ORDER_SIDE = postgresql.ENUM("buy", "sell", name="order_side", create_type=False)
ORDER_TYPE = postgresql.ENUM("market", "limit", "stop", "stop_limit", "trailing_stop", name="order_type",
                             create_type=False)
ORDER_STATUS = postgresql.ENUM(
    "pending", "submitted", "accepted", "partially_filled", "filled", "cancelled", "rejected", "expired",
    name="order_status", create_type=False)
TRADE_TYPE = postgresql.ENUM("buy", "sell", name="trade_type", create_type=False)
TRADE_STATUS = postgresql.ENUM("open", "closed", "cancelled", name="trade_status", create_type=False)
ENUMS = [ORDER_SIDE, ORDER_TYPE, ORDER_STATUS, TRADE_TYPE, TRADE_STATUS]


def upgrade() -> None:
    bind = op.get_bind()
    for enum in ENUMS:
        enum.create(bind)

    op.create_table(
        "orders",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        uuid_fk("strategy_id", "strategies.id", ondelete="SET NULL", nullable=True),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("side", ORDER_SIDE, nullable=False),
        sa.Column("order_type", ORDER_TYPE, nullable=False),
        sa.Column("status", ORDER_STATUS, nullable=False, server_default="pending"),
        money("quantity", nullable=False),
        money("limit_price"),
        money("stop_price"),
        money("filled_quantity", nullable=False, default="0"),
        money("filled_avg_price"),
        sa.Column("time_in_force", sa.String(10), nullable=False, server_default="day"),
        sa.Column("broker_order_id", sa.String(100), unique=True),
        timestamp("submitted_at"),
        timestamp("filled_at"),
        timestamp("cancelled_at"),
        *created_updated(),
        *soft_delete(),
    )
    op.create_index("idx_orders_user_created", "orders", ["user_id", "created_at"])
    op.create_index("idx_orders_symbol_created", "orders", ["symbol", "created_at"])
    op.create_index("idx_orders_status", "orders", ["status"])
    op.create_table(
        "trades",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        uuid_fk("strategy_id", "strategies.id", ondelete="SET NULL", nullable=True),
        uuid_fk("order_id", "orders.id", ondelete="SET NULL", nullable=True),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("trade_type", TRADE_TYPE, nullable=False),
        sa.Column("status", TRADE_STATUS, nullable=False, server_default="open"),
        money("quantity", nullable=False),
        money("price", nullable=False),
        money("commission"),
        money("pnl"),
        timestamp("executed_at", nullable=False, now=True),
        *created_updated(),
        *soft_delete(),
    )
    op.create_index("idx_trades_user_executed", "trades", ["user_id", "executed_at"])
    op.create_index("idx_trades_strategy_executed", "trades", ["strategy_id", "executed_at"])
    op.create_table(
        "positions",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        uuid_fk("strategy_id", "strategies.id", ondelete="SET NULL", nullable=True),
        sa.Column("symbol", sa.String(20), nullable=False),
        money("quantity", nullable=False),
        money("avg_entry_price", nullable=False),
        money("current_price"),
        money("market_value"),
        money("unrealized_pnl"),
        money("realized_pnl"),
        timestamp("opened_at", nullable=False, now=True),
        timestamp("closed_at"),
        *created_updated(),
    )
    op.create_index("idx_positions_user_symbol", "positions", ["user_id", "symbol"])


def downgrade() -> None:
    for table in ("positions", "trades", "orders"):
        op.drop_table(table)
    bind = op.get_bind()
    for enum in reversed(ENUMS):
        enum.drop(bind)
