"""Alembic environment for the algo_trading database: datastack passes the connection and settings.

Nothing runs at import beyond Alembic's own call; see datastack/migrate/postgres/alembic_env.py.
"""

from alembic import context

from datastack.migrate.postgres.alembic_env import run_migrations

run_migrations(context)
