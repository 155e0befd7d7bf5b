"""PostgreSQL migrations: platform state (roles, grants, extensions) from the spec, then schema through Alembic.

`migrate_postgres` returns one report per database; `postgres_status` shows each database's
current and head revision; `postgres_down` rolls one database back to an earlier revision.
Nothing heavy is imported until a function runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from datastack.endpoints import Endpoints
from datastack.errors import RuntimeFailure, UserError
from datastack.paths import PROJECT_ROOT
from datastack.spec import EnvironmentSpec
from datastack.migrate.report import MigrateOptions, StoreReport

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# The load-time check (Alembic directories) is registered in datastack/spec/load.py.
__all__ = ["migrate_postgres", "postgres_down", "postgres_status", "reconcile_postgres_logins"]


def migrate_postgres(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str],
                     options: MigrateOptions) -> list[StoreReport]:
    with _dropped_connection_fails(spec, "the migration", "run migrate again: it resumes where this stopped"):
        return _migrate(spec, endpoints, secrets, options)


def postgres_down(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], database: str, to: str,
                  options: MigrateOptions) -> StoreReport:
    """`migrate down`: roll one database back through Alembic until `to` (a revision, a unique prefix of one, or base),
    as its owner and under the same two locks as `migrate`, so a rollback and a migrate never interleave."""
    from .alembic_runner import downgrade_database
    from .connect import connect
    from .migration_lock import database_key, migration_lock
    from .settings import load_alembic_settings

    pg = spec.services.postgres
    server = pg.declared_as("postgres")  # an instance is named as such
    db = pg.databases.get(database)
    if db is None:
        raise UserError(f"{server} declares no database {database!r}", fix=f"use one of: {', '.join(pg.databases)}")
    if db.alembic is None:
        raise UserError(f"{server} database {database} has no Alembic scripts to roll back",
                        where=f"services.{server}.databases.{database}.alembic",
                        fix="declare its alembic: directory, or roll the database back by hand")
    settings = load_alembic_settings()
    report = StoreReport(store="postgres", database=database)
    with _dropped_connection_fails(spec, "the rollback", "run migrate down again: each finished revision is committed"), \
            connect(spec, endpoints, secrets, database=database) as conn, \
            migration_lock(conn, database_key(database), label=database, **_lock_wait(options)), \
            _owner_alembic_connection(spec, endpoints, secrets, database) as alembic_conn:
        downgrade_database(alembic_conn, label=database, server=server, script_dir=PROJECT_ROOT / db.alembic,
                           settings=settings, schema=db.schema_name, to=to, options=options, report=report)
    report.notes.append(f"'datastack migrate {spec.selector}' upgrades {database} to head again; "
                        "until then 'check' reports it not at head")
    return report


@contextmanager
def _dropped_connection_fails(spec: EnvironmentSpec, during: str, then: str) -> Iterator[None]:
    """The server went away mid-run (crash, restart, network): one line, since every finished step is committed."""
    try:
        yield
    except _dropped_connection_errors() as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        server = spec.services.postgres.declared_as("postgres")
        raise RuntimeFailure(f"{server}: the server dropped the connection during {during} ({reason})",
                             fix=f"check it is up ('datastack status {spec.selector}') and {then}") from None


@contextmanager
def _owner_alembic_connection(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str],
                              db_name: str) -> Iterator["Connection"]:
    """Alembic's SQLAlchemy connection, as the database owner so everything its revisions create belongs to it."""
    from .connect import engine_for, open_sqlalchemy

    db = spec.services.postgres.databases[db_name]
    engine = engine_for(spec, endpoints, secrets, database=db_name, user=db.owner.name if db.owner else None)
    try:
        with open_sqlalchemy(engine, spec, endpoints, db_name) as conn:
            yield conn
    finally:
        engine.dispose()


def _dropped_connection_errors() -> tuple[type[Exception], ...]:
    """psycopg's, and SQLAlchemy's once Alembic ran (a database at head never imports SQLAlchemy)."""
    import sys

    import psycopg

    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    return (psycopg.OperationalError,) + ((sqlalchemy_exc.OperationalError,) if sqlalchemy_exc else ())


def _migrate(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str],
             options: MigrateOptions) -> list[StoreReport]:
    from .alembic_runner import upgrade_database
    from .connect import connect
    from .extensions import extension_steps
    from .indexes import restore_missing_indexes
    from .migration_lock import database_key, migration_lock
    from .privileges import default_privilege_steps, relation_grant_steps, schema_steps
    from .roles import search_path_steps
    from .script_heads import revision_if_at_head
    from .settings import load_alembic_settings
    from .steps import run_steps
    from datastack.plan import state_dir_for

    pg = spec.services.postgres
    if pg is None:
        return []
    settings = load_alembic_settings()
    state_dir = state_dir_for(spec)
    reports = {name: StoreReport(store="postgres", database=name) for name in pg.databases}

    cluster = reconcile_cluster(spec, endpoints, secrets, options, reports)

    for db_name, db in pg.databases.items():
        report = reports[db_name]
        owner = db.owner.name if db.owner else pg.superuser.name
        roles = db.access_by_role()
        if options.dry_run and any(c.action == "create_database" for c in report.planned):
            report.notes.append("database does not exist yet: grants and revisions are planned after it is created")
            continue
        # Everything in this database under its lock, each plan read after the lock is ours.
        with connect(spec, endpoints, secrets, database=db_name) as conn, \
                migration_lock(conn, database_key(db_name), label=db_name, **_lock_wait(options)):
            extension_plan, drift = extension_steps(conn, db_name, db.extensions)
            report.drift += drift
            steps = (search_path_steps(conn, db_name, db.schema_name, list(roles))
                     + schema_steps(conn, db_name, db.schema_name, owner, roles)
                     + extension_plan
                     + default_privilege_steps(conn, db_name, db.schema_name, owner, roles))
            run_steps(conn, steps, report, options)
            if db.alembic is not None:
                script_dir = PROJECT_ROOT / db.alembic
                head = revision_if_at_head(conn, script_dir, db.schema_name, settings.version_table)
                if head is not None:  # nothing for Alembic to do: no engine, no Alembic imports
                    report.revision = {"current": head, "head": head}
                else:
                    with _owner_alembic_connection(spec, endpoints, secrets, db_name) as alembic_conn:
                        upgrade_database(alembic_conn, label=db_name, script_dir=script_dir, settings=settings,
                                         schema=db.schema_name, options=options, report=report)
                # At head, indexes dropped by hand are recreated from the scripts' own definitions.
                restore_missing_indexes(conn, spec, endpoints, secrets, state_dir, db_name, settings.version_table,
                                        report, options)
            # After Alembic: tables that predate the default privileges (or were granted too much) are fixed here.
            run_steps(conn, relation_grant_steps(conn, db_name, db.schema_name, roles, settings.version_table),
                      report, options)
    return ([cluster] if cluster.planned else []) + list(reports.values())


def reconcile_cluster(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], options: MigrateOptions,
                      reports: dict[str, StoreReport]) -> StoreReport:
    """Cluster-wide state — the superuser's password, login roles, databases, who may connect — the only writer of
    PostgreSQL roles after initdb. Run by every engine right after the server starts, and by `migrate`."""
    from datastack.admin_logins import remember_admin_password
    from .connect import connect
    from .migration_lock import cluster_key, migration_lock
    from .privileges import database_acl_steps
    from .roles import database_steps, role_steps, superuser_password_steps
    from .steps import run_steps

    pg = spec.services.postgres
    cluster_report = StoreReport(store="postgres", database="postgres")
    # Roles first: databases name them as owners. All of it under the cluster lock, so concurrent migrators (and
    # an engine's start-up reconcile) serialise instead of failing with `tuple concurrently updated`.
    with connect(spec, endpoints, secrets, database="postgres") as cluster, \
            migration_lock(cluster, cluster_key(), label="roles and databases", **_lock_wait(options)):
        run_steps(cluster, superuser_password_steps(cluster, pg, secrets), cluster_report, options)
        if not options.dry_run:
            remember_admin_password(spec, pg.superuser_secret_id, secrets[pg.superuser_secret_id])
        for db_name, steps in role_steps(cluster, pg, secrets).items():
            run_steps(cluster, steps, reports[db_name], options)
        for db_name, db in pg.databases.items():
            owner = db.owner.name if db.owner else pg.superuser.name
            run_steps(cluster, database_steps(cluster, db_name, owner), reports[db_name], options)
            if not (options.dry_run and any(c.action == "create_database" for c in reports[db_name].planned)):
                run_steps(cluster, database_acl_steps(cluster, db_name, db.access_by_role()), reports[db_name], options)
    return cluster_report


def _lock_wait(options: MigrateOptions) -> dict:
    """How to take the migration locks: not at all for a dry run (it writes nothing), else wait up to the timeout."""
    return dict(timeout_s=options.lock_timeout_s, enabled=not options.dry_run, say=options.say)


def reconcile_postgres_logins(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str],
                              options: MigrateOptions) -> list[StoreReport]:
    reports = {name: StoreReport(store="postgres", database=name) for name in spec.services.postgres.databases}
    cluster = reconcile_cluster(spec, endpoints, secrets, options, reports)
    return [cluster, *reports.values()]


def postgres_status(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str]) -> list[StoreReport]:
    from .alembic_runner import database_revision
    from .connect import engine_for, open_sqlalchemy
    from .settings import load_alembic_settings

    pg = spec.services.postgres
    if pg is None:
        return []
    settings = load_alembic_settings()
    reports = []
    for db_name, db in pg.databases.items():
        report = StoreReport(store="postgres", database=db_name)
        if db.alembic is None:
            report.notes.append("no Alembic directory declared")
        else:
            engine = engine_for(spec, endpoints, secrets, database=db_name)
            try:
                with open_sqlalchemy(engine, spec, endpoints, db_name) as conn:
                    report.revision = database_revision(conn, script_dir=PROJECT_ROOT / db.alembic,
                                                        settings=settings, schema=db.schema_name)
            finally:
                engine.dispose()
            if report.revision["current"] != report.revision["head"]:
                report.notes.append(f"not at head: run 'datastack migrate {spec.selector}' (current {report.revision['current'] or 'base'})")
            else:
                _missing_indexes_status(spec, endpoints, secrets, db_name, report)
        reports.append(report)
    return reports


def _missing_indexes_status(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], db_name: str,
                            report: StoreReport) -> None:
    """At head: the declared indexes missing live, as the create_index changes a migrate would make (cached reference
    only: status never builds it)."""
    from datastack.plan import state_dir_for
    from .connect import connect
    from .indexes import missing_index_steps
    from .reference import cached_reference

    reference = cached_reference(spec, state_dir_for(spec), db_name)[2]
    if reference is None:
        report.notes.append("index comparison skipped: the declared structure of these Alembic scripts is not cached")
        return
    with connect(spec, endpoints, secrets, database=db_name) as conn:
        steps, notes = missing_index_steps(conn, db_name, spec.services.postgres.databases[db_name].schema_name,
                                           reference["indexes"])
    report.planned += [step.change() for step in steps]
    report.notes += notes
