"""Connections to the environment's PostgreSQL as a spec role; failures become one readable line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import replace

from datastack.admin_logins import admin_login
from roles.postgres.login import postgres_login, postgres_uri
from datastack.endpoints import Endpoints
from datastack.errors import RuntimeFailure
from datastack.spec import EnvironmentSpec

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.engine import Engine


def connect(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], *,
            database: str, user: str | None = None) -> "psycopg.Connection":
    """An autocommit psycopg connection (CREATE DATABASE and friends refuse transactions).

    As the superuser, a rotated password is tried after the current one was refused (the last accepted one,
    see datastack.admin_logins); the reconciler's superuser step then sets the current one."""
    import psycopg

    login = postgres_login(spec, secrets, user)

    def log_in(password: str) -> "psycopg.Connection":
        return psycopg.connect(postgres_uri(endpoints, replace(login, password=password), database), autocommit=True)

    try:
        if login.access != "admin":
            return log_in(login.password)
        conn, _ = admin_login(spec, spec.services.postgres.superuser_secret_id, login.password, log_in,
                              password_refused, store="postgres")
        return conn
    except psycopg.OperationalError as exc:
        raise _unreachable(spec, endpoints, login.user, database, exc) from None


def password_refused(exc: BaseException) -> bool:
    return "password authentication failed" in str(exc)


def engine_for(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], *,
               database: str, user: str | None = None) -> "Engine":
    """A SQLAlchemy engine for Alembic; NullPool so closing the connection really closes it."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    login = postgres_login(spec, secrets, user)
    uri = postgres_uri(endpoints, login, database).replace("postgresql://", "postgresql+psycopg://", 1)
    return create_engine(uri, poolclass=NullPool)


def open_sqlalchemy(engine: "Engine", spec: EnvironmentSpec, endpoints: Endpoints, database: str):
    from sqlalchemy.exc import OperationalError

    try:
        return engine.connect()
    except OperationalError as exc:
        raise _unreachable(spec, endpoints, engine.url.username, database, exc.orig) from None


def _unreachable(spec: EnvironmentSpec, endpoints: Endpoints, user: str, database: str,
                 exc: BaseException) -> RuntimeFailure:
    ep = endpoints.postgres
    reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    server = spec.services.postgres.declared_as("postgres")  # an instance is named as such
    return RuntimeFailure(f"cannot connect to {server} at {ep.where()}, database {database}, as {user}: {reason}",
                          fix=ep.unreachable_fix(spec))
