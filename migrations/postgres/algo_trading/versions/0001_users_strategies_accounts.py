"""Users, strategies and their tickers, watchlist, broker API keys, notifications and preferences.

Revision ID: 0001_users_strategies
Revises:
Create Date: 2025-01-20

Enums are native PostgreSQL types holding the enum *values* (lower case), as the app's
`values_callable` stores them.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from roles.postgres.reconcile.columns import created_updated, flag, timestamp, uuid_fk, uuid_pk

revision = "0001_users_strategies"
down_revision = None
branch_labels = None
depends_on = None

USER_ROLE = postgresql.ENUM("admin", "trader", "viewer", name="user_role", create_type=False)
BROKER_TYPE = postgresql.ENUM("alpaca", "interactive_brokers", "td_ameritrade", "paper", name="broker_type", create_type=False)
API_KEY_STATUS = postgresql.ENUM("active", "revoked", "expired", name="api_key_status", create_type=False)
NOTIFICATION_TYPE = postgresql.ENUM(
    "trade_executed", "order_filled", "order_cancelled", "risk_alert", "strategy_error",
    "backtest_complete", "price_alert", "system", name="notification_type", create_type=False)
NOTIFICATION_CHANNEL = postgresql.ENUM("email", "sms", "push", "in_app", "webhook", name="notification_channel",
                                       create_type=False)
NOTIFICATION_PRIORITY = postgresql.ENUM("low", "normal", "high", "critical", name="notification_priority",
                                        create_type=False)
ENUMS = [USER_ROLE, BROKER_TYPE, API_KEY_STATUS, NOTIFICATION_TYPE, NOTIFICATION_CHANNEL, NOTIFICATION_PRIORITY]


def upgrade() -> None:
    bind = op.get_bind()
    for enum in ENUMS:
        enum.create(bind)

    op.create_table(
        "users",
        uuid_pk(),
        sa.Column("email", sa.String(255), nullable=False, unique=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("hashed_password", sa.String(255), nullable=False),
        sa.Column("full_name", sa.String(255)),
        sa.Column("role", USER_ROLE, nullable=False, server_default="trader"),
        flag("is_active", True),
        flag("is_verified", False),
        timestamp("last_login_at"),
        *created_updated(),
    )
    op.create_table(
        "strategies",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("strategy_type", sa.String(50), nullable=False),
        sa.Column("parameters", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        flag("is_active", True),
        *created_updated(),
    )
    op.create_index("idx_strategies_user_id", "strategies", ["user_id"])
    op.create_table(
        "strategy_tickers",
        uuid_pk(),
        uuid_fk("strategy_id", "strategies.id", ondelete="CASCADE"),
        sa.Column("ticker", sa.String(20), nullable=False),
        timestamp("created_at", nullable=False, now=True),
        sa.UniqueConstraint("strategy_id", "ticker", name="uq_strategy_ticker"),
    )
    op.create_table(
        "watchlist",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("notes", sa.Text()),
        timestamp("added_at", nullable=False, now=True),
        sa.UniqueConstraint("user_id", "symbol", name="uq_watchlist_user_symbol"),
    )
    op.create_table(
        "api_keys",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("broker", BROKER_TYPE, nullable=False),
        sa.Column("key_prefix", sa.String(12), nullable=False),
        sa.Column("encrypted_key", sa.Text(), nullable=False),
        sa.Column("encrypted_secret", sa.Text(), nullable=False),
        sa.Column("status", API_KEY_STATUS, nullable=False, server_default="active"),
        flag("is_paper", True),
        timestamp("last_used_at"),
        timestamp("expires_at"),
        *created_updated(),
    )
    op.create_index("idx_api_keys_user_status", "api_keys", ["user_id", "status"])
    op.create_table(
        "notification_preferences",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        sa.Column("notification_type", NOTIFICATION_TYPE, nullable=False),
        sa.Column("channel", NOTIFICATION_CHANNEL, nullable=False),
        flag("enabled", True),
        *created_updated(),
        sa.UniqueConstraint("user_id", "notification_type", "channel", name="uq_user_notification_type_channel"),
    )
    op.create_table(
        "notifications",
        uuid_pk(),
        uuid_fk("user_id", "users.id", ondelete="CASCADE"),
        sa.Column("notification_type", NOTIFICATION_TYPE, nullable=False),
        sa.Column("channel", NOTIFICATION_CHANNEL, nullable=False, server_default="in_app"),
        sa.Column("priority", NOTIFICATION_PRIORITY, nullable=False, server_default="normal"),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB()),
        flag("is_read", False),
        timestamp("read_at"),
        timestamp("created_at", nullable=False, now=True),
    )
    op.create_index("idx_notifications_user_read_created", "notifications", ["user_id", "is_read", "created_at"])


def downgrade() -> None:
    for table in ("notifications", "notification_preferences", "api_keys", "watchlist", "strategy_tickers",
                  "strategies", "users"):
        op.drop_table(table)
    bind = op.get_bind()
    for enum in reversed(ENUMS):
        enum.drop(bind)
