"""Alembic environment for the trading_service database: datastack passes the connection and settings.

Nothing runs at import beyond Alembic's own call; see roles/postgres/reconcile/alembic_env.py.
"""

from alembic import context

from roles.postgres.reconcile.alembic_env import run_migrations

run_migrations(context)
