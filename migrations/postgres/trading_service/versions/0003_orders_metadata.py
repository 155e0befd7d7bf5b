"""Orders metadata: free-form broker payload kept with each order.

Revision ID: 0003_orders_metadata
Revises: 0002_phase1_multi_user
Create Date: 2025-01-20
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0003_orders_metadata"
down_revision = "0002_phase1_multi_user"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("metadata", postgresql.JSONB(), nullable=False,
                                      server_default=sa.text("'{}'::jsonb")))


def downgrade() -> None:
    op.drop_column("orders", "metadata")
