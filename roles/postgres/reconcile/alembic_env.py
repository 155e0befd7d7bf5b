"""What every `migrations/postgres/<db>/env.py` runs: configure Alembic on datastack's connection.

env.py only calls `run_migrations(context)`; nothing happens at import time and no URL is
built here. datastack passes the connection (logged in as the database owner, holding the
migration lock) in `config.attributes['connection']` and its settings in
`config.attributes['datastack']`. Each revision runs in its own transaction.
"""

from __future__ import annotations

from typing import Any

from .settings import load_alembic_settings


def configure_options(config: Any) -> dict[str, Any]:
    options = dict(config.attributes.get("datastack") or {})
    if "version_table" not in options:  # run by the plain `alembic` command: settings from pyproject
        settings = load_alembic_settings()
        options = {"version_table": settings.version_table,
                   "transaction_per_migration": settings.transaction_per_migration}
    return options


def run_migrations(context: Any) -> None:
    config = context.config
    options = configure_options(config)
    if context.is_offline_mode():
        # `--sql`: print the DDL for review instead of running it.
        context.configure(url=config.get_main_option("sqlalchemy.url") or "postgresql://", literal_binds=True,
                          dialect_opts={"paramstyle": "named"}, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(context, connection, options)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection: run through `datastack migrate`, or set sqlalchemy.url")
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    with create_engine(url, poolclass=NullPool).connect() as connection:
        _run_on(context, connection, options)


def _run_on(context: Any, connection: Any, options: dict[str, Any]) -> None:
    context.configure(connection=connection, target_metadata=None, **options)
    with context.begin_transaction():
        context.run_migrations()
