"""Alembic environment for the app database: datastack passes the connection and settings.

Nothing runs at import beyond Alembic's own call; datastack runs the revisions in-process as the owner role.
"""

from alembic import context

from roles.postgres.reconcile.alembic_env import run_migrations

run_migrations(context)
