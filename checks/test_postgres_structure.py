"""PostgreSQL structure drift: each database's tables, columns, indexes and constraints as its Alembic revisions
declare them at head (built once in a scratch database, then cached). One check per database and kind; every
difference is one line saying what differs."""

from __future__ import annotations

import pytest

from roles.postgres.reconcile.catalog_snapshot import catalog_snapshot
from checks.lib.pg_reference import declared_structure
from checks.lib.pg_structure import structure_differences, structure_fix
from checks.lib.postgres import alembic_head, alembic_revision, reader_login
from datastack.paths import display


@pytest.fixture(scope="module")
def pg(target):
    if target.spec.services.postgres is None:
        pytest.skip("this environment declares no PostgreSQL")
    return target.spec.services.postgres


@pytest.fixture(scope="module")
def ledger():
    from roles.postgres.reconcile.settings import load_alembic_settings

    return load_alembic_settings().version_table


def _compare(kind, target, connections, database, ledger):
    name, db = database
    if db.alembic is None:
        pytest.skip(f"{name}: no Alembic directory declared (services.postgres.databases.{name}.alembic), no structure to compare")
    declared = connections.memo(("postgres-declared-structure", name), lambda: declared_structure(target, name, ledger))
    conn = connections.postgres(reader_login(target, name), name)
    live = connections.memo(("postgres-live-structure", name), lambda: _live(conn, db.schema_name, db.alembic, ledger))
    differences = structure_differences(name, kind, declared, live["snapshot"])
    fix = structure_fix(differences, at_head=live["at_head"], migrate=target.fix, alembic_dir=display(db.alembic))
    assert not differences, f"{'; '.join(d.text for d in differences)} — fix: {fix}"


def _live(conn, schema, alembic_dir, ledger) -> dict:
    """The live snapshot, and whether the database is at its head (which decides what fixes a difference)."""
    head = alembic_head(alembic_dir)
    return {"snapshot": catalog_snapshot(conn, schema, ledger), "at_head": alembic_revision(conn, schema, ledger) == head}


def test_tables_match_alembic_head(target, connections, pg, ledger, postgres_database):
    _compare("tables", target, connections, postgres_database, ledger)


def test_columns_match_alembic_head(target, connections, pg, ledger, postgres_database):
    _compare("columns", target, connections, postgres_database, ledger)


def test_indexes_match_alembic_head(target, connections, pg, ledger, postgres_database):
    _compare("indexes", target, connections, postgres_database, ledger)


def test_constraints_match_alembic_head(target, connections, pg, ledger, postgres_database):
    _compare("constraints", target, connections, postgres_database, ledger)
