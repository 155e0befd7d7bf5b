"""Backtests with their result and trades (backtests soft-deleted), portfolio snapshots, performance metrics, tax lots.

Revision ID: 0003_backtests_portfolio
Revises: 0002_trading
Create Date: 2025-01-20
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from roles.postgres.reconcile.columns import created_updated, money, soft_delete, timestamp, uuid_fk, uuid_pk

revision = "0003_backtests_portfolio"
down_revision = "0002_trading"
branch_labels = None
depends_on = None

BACKTEST_STATUS = postgresql.ENUM("pending", "running", "completed", "failed", "cancelled", name="backtest_status",
                                  create_type=False)
PERFORMANCE_PERIOD = postgresql.ENUM("daily", "weekly", "monthly", "quarterly", "yearly", "all_time",
                                     name="performance_period", create_type=False)
TAX_LOT_STATUS = postgresql.ENUM("open", "partially_closed", "closed", name="tax_lot_status", create_type=False)
# Backtest trades reuse trade_type (buy/sell) from 0002.
TRADE_TYPE = postgresql.ENUM("buy", "sell", name="trade_type", create_type=False)
ENUMS = [BACKTEST_STATUS, PERFORMANCE_PERIOD, TAX_LOT_STATUS]


def upgrade() -> None:
    bind = op.get_bind()
    for enum in ENUMS:
        enum.create(bind)

    op.create_table(
        "backtests",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        uuid_fk("strategy_id", "strategies.id", ondelete="CASCADE"),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("status", BACKTEST_STATUS, nullable=False, server_default="pending"),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        money("initial_capital", nullable=False),
        sa.Column("parameters", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("error_message", sa.Text()),
        timestamp("started_at"),
        timestamp("completed_at"),
        *created_updated(),
        *soft_delete(),
        sa.CheckConstraint("end_date >= start_date", name="ck_backtests_date_range"),
    )
    op.create_index("idx_backtests_user_created", "backtests", ["user_id", "created_at"])
    op.create_table(
        "backtest_results",
        uuid_pk(),
        # One result per backtest (the model's uselist=False), removed with it.
        sa.Column("backtest_id", sa.String(36), sa.ForeignKey("backtests.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("total_return", sa.Float()),
        sa.Column("annualized_return", sa.Float()),
        sa.Column("sharpe_ratio", sa.Float()),
        sa.Column("sortino_ratio", sa.Float()),
        sa.Column("max_drawdown", sa.Float()),
        sa.Column("win_rate", sa.Float()),
        sa.Column("profit_factor", sa.Float()),
        sa.Column("total_trades", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("winning_trades", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("losing_trades", sa.Integer(), nullable=False, server_default="0"),
        money("final_capital"),
        sa.Column("equity_curve", postgresql.JSONB()),
        timestamp("created_at", nullable=False, now=True),
    )
    op.create_table(
        "backtest_trades",
        uuid_pk(),
        uuid_fk("backtest_id", "backtests.id", ondelete="CASCADE"),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("side", TRADE_TYPE, nullable=False),
        money("quantity", nullable=False),
        money("entry_price", nullable=False),
        money("exit_price"),
        timestamp("entry_time", nullable=False),
        timestamp("exit_time"),
        money("pnl"),
        sa.Column("pnl_percent", sa.Float()),
        timestamp("created_at", nullable=False, now=True),
    )
    op.create_index("idx_backtest_trades_backtest_entry", "backtest_trades", ["backtest_id", "entry_time"])
    op.create_table(
        "portfolio_snapshots",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        sa.Column("snapshot_date", sa.Date(), nullable=False),
        money("total_value", nullable=False),
        money("cash_balance", nullable=False),
        money("positions_value", nullable=False),
        money("daily_pnl"),
        money("total_pnl"),
        timestamp("created_at", nullable=False, now=True),
        sa.UniqueConstraint("user_id", "snapshot_date", name="uq_portfolio_snapshot_user_date"),
    )
    op.create_table(
        "performance_metrics",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        uuid_fk("strategy_id", "strategies.id", ondelete="SET NULL", nullable=True),
        sa.Column("period", PERFORMANCE_PERIOD, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("total_return", sa.Float()),
        sa.Column("sharpe_ratio", sa.Float()),
        sa.Column("max_drawdown", sa.Float()),
        sa.Column("win_rate", sa.Float()),
        sa.Column("total_trades", sa.Integer(), nullable=False, server_default="0"),
        timestamp("created_at", nullable=False, now=True),
    )
    op.create_index("idx_performance_metrics_user_period", "performance_metrics", ["user_id", "period", "period_start"])
    op.create_table(
        "tax_lots",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        uuid_fk("trade_id", "trades.id", ondelete="SET NULL", nullable=True),
        sa.Column("symbol", sa.String(20), nullable=False),
        money("quantity", nullable=False),
        money("remaining_quantity", nullable=False),
        money("cost_basis", nullable=False),
        sa.Column("status", TAX_LOT_STATUS, nullable=False, server_default="open"),
        timestamp("acquired_at", nullable=False),
        timestamp("closed_at"),
        *created_updated(),
    )
    # FIFO/LIFO matching walks a user's open lots of one symbol in acquisition order.
    op.create_index("idx_tax_lots_user_symbol_acquired", "tax_lots", ["user_id", "symbol", "acquired_at"])


def downgrade() -> None:
    for table in ("tax_lots", "performance_metrics", "portfolio_snapshots", "backtest_trades", "backtest_results",
                  "backtests"):
        op.drop_table(table)
    bind = op.get_bind()
    for enum in reversed(ENUMS):
        enum.drop(bind)
