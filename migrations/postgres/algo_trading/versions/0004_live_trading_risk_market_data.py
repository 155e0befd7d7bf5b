"""Risk rules, live strategies, strategy execution state, signal history, market-data cache.

Revision ID: 0004_live_trading
Revises: 0003_backtests_portfolio
Create Date: 2025-01-20
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from roles.postgres.reconcile.columns import created_updated, flag, money, timestamp, uuid_fk, uuid_pk

revision = "0004_live_trading"
down_revision = "0003_backtests_portfolio"
branch_labels = None
depends_on = None

RISK_RULE_TYPE = postgresql.ENUM(
    "max_position_size", "max_daily_loss", "max_drawdown", "max_order_value", "max_open_positions",
    "stop_loss", "take_profit", name="risk_rule_type", create_type=False)
RISK_RULE_ACTION = postgresql.ENUM("block", "warn", "close_position", "notify", name="risk_rule_action",
                                   create_type=False)
LIVE_STRATEGY_STATUS = postgresql.ENUM("stopped", "starting", "running", "paused", "error",
                                       name="live_strategy_status", create_type=False)
EXECUTION_STATE = postgresql.ENUM("idle", "evaluating", "signal_generated", "order_pending", "order_placed", "error",
                                  name="execution_state", create_type=False)
SIGNAL_TYPE = postgresql.ENUM("buy", "sell", "hold", name="signal_type", create_type=False)
ENUMS = [RISK_RULE_TYPE, RISK_RULE_ACTION, LIVE_STRATEGY_STATUS, EXECUTION_STATE, SIGNAL_TYPE]


def upgrade() -> None:
    bind = op.get_bind()
    for enum in ENUMS:
        enum.create(bind)

    op.create_table(
        "risk_rules",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        uuid_fk("strategy_id", "strategies.id", ondelete="CASCADE", nullable=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("rule_type", RISK_RULE_TYPE, nullable=False),
        sa.Column("action", RISK_RULE_ACTION, nullable=False, server_default="block"),
        money("threshold", nullable=False),
        flag("is_active", True),
        *created_updated(),
    )
    op.create_index("idx_risk_rules_user_active", "risk_rules", ["user_id", "is_active"])
    op.create_table(
        "live_strategies",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        uuid_fk("strategy_id", "strategies.id", ondelete="CASCADE"),
        uuid_fk("api_key_id", "api_keys.id", ondelete="SET NULL", nullable=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("status", LIVE_STRATEGY_STATUS, nullable=False, server_default="stopped"),
        sa.Column("symbols", postgresql.JSONB(), nullable=False, server_default=sa.text("'[]'::jsonb")),
        money("allocated_capital", nullable=False),
        money("max_position_size"),
        flag("is_paper", True),
        timestamp("started_at"),
        timestamp("stopped_at"),
        timestamp("last_heartbeat_at"),
        sa.Column("error_message", sa.Text()),
        *created_updated(),
    )
    op.create_index("idx_live_strategies_user_status", "live_strategies", ["user_id", "status"])
    op.create_table(
        "strategy_executions",
        uuid_pk(),
        uuid_fk("live_strategy_id", "live_strategies.id", ondelete="CASCADE"),
        sa.Column("state", EXECUTION_STATE, nullable=False, server_default="idle"),
        timestamp("last_evaluated_at"),
        timestamp("last_signal_at"),
        sa.Column("error_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error_message", sa.Text()),
        *created_updated(),
    )
    op.create_index("idx_strategy_executions_live_state", "strategy_executions", ["live_strategy_id", "state"])
    op.create_table(
        "signal_history",
        uuid_pk(),
        uuid_fk("strategy_id", "strategies.id", ondelete="CASCADE"),
        uuid_fk("live_strategy_id", "live_strategies.id", ondelete="SET NULL", nullable=True),
        uuid_fk("order_id", "orders.id", ondelete="SET NULL", nullable=True),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("signal_type", SIGNAL_TYPE, nullable=False),
        sa.Column("strength", sa.Float()),
        money("price"),
        sa.Column("indicators", postgresql.JSONB()),
        flag("executed", False),
        timestamp("generated_at", nullable=False, now=True),
    )
    op.create_index("idx_signal_history_strategy_time", "signal_history", ["strategy_id", "generated_at"])
    op.create_table(
        "market_data_cache",
        uuid_pk(),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("timeframe", sa.String(10), nullable=False),
        timestamp("bar_time", nullable=False),
        money("open", nullable=False),
        money("high", nullable=False),
        money("low", nullable=False),
        money("close", nullable=False),
        sa.Column("volume", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(50), nullable=False),
        timestamp("fetched_at", nullable=False, now=True),
        timestamp("expires_at"),
        sa.UniqueConstraint("symbol", "timeframe", "bar_time", name="uq_market_data_symbol_timeframe_bar"),
    )
    op.create_index("idx_market_data_expires", "market_data_cache", ["expires_at"])


def downgrade() -> None:
    for table in ("market_data_cache", "signal_history", "strategy_executions", "live_strategies", "risk_rules"):
        op.drop_table(table)
    bind = op.get_bind()
    for enum in reversed(ENUMS):
        enum.drop(bind)
