"""Accounts: the first table of the app database.

Revision ID: 0001_accounts
Revises:
Create Date: made by datastack init
"""
from alembic import op
import sqlalchemy as sa

revision = "0001_accounts"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("email", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_accounts_created_at", "accounts", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_accounts_created_at", table_name="accounts")
    op.drop_table("accounts")
