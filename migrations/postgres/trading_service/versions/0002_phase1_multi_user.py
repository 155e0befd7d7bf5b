"""Phase 1 multi-user schema: per-user service state, task runs, logs, errors, trading config, ML jobs
and models, notification preferences, notifications, audit trail; broker fields on orders.

Revision ID: 0002_phase1_multi_user
Revises: 0001_initial
Create Date: 2025-01-13

Every user-owned table carries user_id with ON DELETE CASCADE; references kept for history
(who resolved an error, who started a training job, audit actors) use SET NULL.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from roles.postgres.reconcile.columns import bigint_fk, created_updated, flag, identity_pk, money, one_of, timestamp

revision = "0002_phase1_multi_user"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def upgrade() -> None:
    op.add_column("orders", sa.Column("order_id", sa.String(64)))
    op.add_column("orders", sa.Column("broker_order_id", sa.String(64)))
    op.create_index("ix_orders_broker_order_id", "orders", ["broker_order_id"])
    op.create_unique_constraint("uq_orders_user_order_id", "orders", ["user_id", "order_id"])

    op.create_table(
        "service_status",
        identity_pk(),
        bigint_fk("user_id", "users.id", ondelete="CASCADE"),
        flag("service_running", False),
        timestamp("last_heartbeat"),
        timestamp("last_task_execution"),
        sa.Column("error_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text()),
        *created_updated(),
        sa.UniqueConstraint("user_id", name="uq_service_status_user"),
    )
    op.create_table(
        "service_task_execution",
        identity_pk(),
        bigint_fk("user_id", "users.id", ondelete="CASCADE"),
        sa.Column("task_name", sa.String(64), nullable=False),
        timestamp("executed_at", nullable=False, now=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("duration_seconds", sa.Float()),
        sa.Column("details", postgresql.JSONB()),
        one_of("status", ("success", "failed", "skipped", "running"), "ck_service_task_execution_status"),
    )
    op.create_index("ix_task_execution_user_task_time", "service_task_execution", ["user_id", "task_name", "executed_at"])
    op.create_table(
        "service_logs",
        identity_pk(),
        bigint_fk("user_id", "users.id", ondelete="CASCADE"),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("module", sa.String(128)),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("context", postgresql.JSONB()),
        timestamp("timestamp", nullable=False, now=True),
        one_of("level", LEVELS, "ck_service_logs_level"),
    )
    op.create_index("ix_service_logs_user_time", "service_logs", ["user_id", "timestamp"])
    op.create_index("ix_service_logs_level_time", "service_logs", ["level", "timestamp"])
    op.create_table(
        "error_logs",
        identity_pk(),
        bigint_fk("user_id", "users.id", ondelete="CASCADE"),
        sa.Column("error_type", sa.String(128), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=False),
        sa.Column("traceback", sa.Text()),
        sa.Column("context", postgresql.JSONB()),
        flag("resolved", False),
        timestamp("resolved_at"),
        bigint_fk("resolved_by", "users.id", ondelete="SET NULL", nullable=True),
        sa.Column("resolution_notes", sa.Text()),
        timestamp("occurred_at", nullable=False, now=True),
    )
    op.create_index("ix_error_logs_user_time", "error_logs", ["user_id", "occurred_at"])
    op.create_index("ix_error_logs_user_resolved", "error_logs", ["user_id", "resolved"])
    op.create_table(
        "user_trading_config",
        identity_pk(),
        bigint_fk("user_id", "users.id", ondelete="CASCADE"),
        # Strategy parameters
        sa.Column("rsi_period", sa.Integer(), nullable=False, server_default="10"),
        sa.Column("rsi_oversold", sa.Float(), nullable=False, server_default="30"),
        sa.Column("rsi_extreme_oversold", sa.Float(), nullable=False, server_default="20"),
        sa.Column("ema_period", sa.Integer(), nullable=False, server_default="200"),
        # Capital and position management
        money("user_capital", nullable=False, default="200000"),
        sa.Column("max_portfolio_size", sa.Integer(), nullable=False, server_default="6"),
        sa.Column("max_position_pct", sa.Float(), nullable=False, server_default="20"),
        # Chart quality filters
        flag("chart_quality_enabled", True),
        sa.Column("chart_quality_min_score", sa.Float(), nullable=False, server_default="50"),
        sa.Column("min_volume", sa.BigInteger(), nullable=False, server_default="0"),
        # Risk management (stop loss is optional)
        flag("stop_loss_enabled", False),
        sa.Column("stop_loss_pct", sa.Float()),
        sa.Column("take_profit_pct", sa.Float()),
        # Order defaults
        sa.Column("default_order_type", sa.String(16), nullable=False, server_default="market"),
        sa.Column("default_exchange", sa.String(8), nullable=False, server_default="NSE"),
        sa.Column("default_product", sa.String(8), nullable=False, server_default="CNC"),
        # ML configuration
        flag("ml_enabled", False),
        sa.Column("ml_model_version", sa.String(32)),
        sa.Column("ml_confidence_threshold", sa.Float(), nullable=False, server_default="0.5"),
        # Task scheduling preferences
        sa.Column("task_schedule", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")),
        *created_updated(),
        sa.UniqueConstraint("user_id", name="uq_user_trading_config_user"),
        one_of("default_order_type", ("market", "limit"), "ck_user_trading_config_order_type"),
    )
    op.create_table(
        "ml_training_jobs",
        identity_pk(),
        bigint_fk("started_by", "users.id", ondelete="SET NULL", nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("model_type", sa.String(64), nullable=False),
        sa.Column("algorithm", sa.String(64), nullable=False),
        sa.Column("training_data_path", sa.String(512), nullable=False),
        timestamp("started_at", nullable=False, now=True),
        timestamp("completed_at"),
        sa.Column("model_path", sa.String(512)),
        sa.Column("accuracy", sa.Float()),
        sa.Column("error_message", sa.Text()),
        sa.Column("logs", sa.Text()),
        one_of("status", ("pending", "running", "completed", "failed"), "ck_ml_training_jobs_status"),
    )
    op.create_index("ix_ml_training_jobs_status_started", "ml_training_jobs", ["status", "started_at"])
    op.create_table(
        "ml_models",
        identity_pk(),
        sa.Column("model_type", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("model_path", sa.String(512), nullable=False),
        sa.Column("accuracy", sa.Float()),
        bigint_fk("training_job_id", "ml_training_jobs.id", ondelete="SET NULL", nullable=True),
        flag("is_active", False),
        bigint_fk("created_by", "users.id", ondelete="SET NULL", nullable=True),
        timestamp("created_at", nullable=False, now=True),
        sa.UniqueConstraint("model_type", "version", name="uq_ml_models_type_version"),
    )
    op.create_index("ix_ml_models_type_active", "ml_models", ["model_type", "is_active"])
    op.create_table(
        "user_notification_preferences",
        identity_pk(),
        bigint_fk("user_id", "users.id", ondelete="CASCADE"),
        flag("telegram_enabled", False),
        sa.Column("telegram_chat_id", sa.String(64)),
        flag("email_enabled", False),
        sa.Column("email_address", sa.String(255)),
        flag("in_app_enabled", True),
        flag("notify_service_events", True),
        flag("notify_trading_events", True),
        flag("notify_system_events", True),
        flag("notify_errors", True),
        sa.Column("quiet_hours_start", sa.Time()),
        sa.Column("quiet_hours_end", sa.Time()),
        *created_updated(),
        sa.UniqueConstraint("user_id", name="uq_user_notification_preferences_user"),
    )
    op.create_table(
        "notifications",
        identity_pk(),
        bigint_fk("user_id", "users.id", ondelete="CASCADE"),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("level", sa.String(10), nullable=False, server_default="info"),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        flag("read", False),
        timestamp("read_at"),
        flag("delivered", False),
        timestamp("created_at", nullable=False, now=True),
        one_of("type", ("service", "trading", "system", "error"), "ck_notifications_type"),
        one_of("level", ("info", "warning", "error", "critical"), "ck_notifications_level"),
    )
    op.create_index("ix_notifications_user_read_created", "notifications", ["user_id", "read", "created_at"])
    op.create_table(
        "audit_logs",
        identity_pk(),
        # The actor may be deleted later; the trail must survive.
        bigint_fk("user_id", "users.id", ondelete="SET NULL", nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("resource_type", sa.String(64), nullable=False),
        sa.Column("resource_id", sa.String(64)),
        sa.Column("changes", postgresql.JSONB()),
        sa.Column("ip_address", postgresql.INET()),
        sa.Column("user_agent", sa.String(512)),
        timestamp("timestamp", nullable=False, now=True),
    )
    op.create_index("ix_audit_logs_user_time", "audit_logs", ["user_id", "timestamp"])
    op.create_index("ix_audit_logs_resource", "audit_logs", ["resource_type", "resource_id"])


def downgrade() -> None:
    for table in ("audit_logs", "notifications", "user_notification_preferences", "ml_models", "ml_training_jobs",
                  "user_trading_config", "error_logs", "service_logs", "service_task_execution", "service_status"):
        op.drop_table(table)
    op.drop_constraint("uq_orders_user_order_id", "orders", type_="unique")
    op.drop_index("ix_orders_broker_order_id", table_name="orders")
    op.drop_column("orders", "broker_order_id")
    op.drop_column("orders", "order_id")
