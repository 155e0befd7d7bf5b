"""PostgreSQL drift: grants, default privileges and extensions as the spec says (through the migrator's own
reconciler, read-only), and every database at its Alembic head."""

from __future__ import annotations

import pytest

from checks.lib.postgres import alembic_head, alembic_revision, reader_login


@pytest.fixture(scope="module")
def pg(target):
    if target.spec.services.postgres is None:
        pytest.skip("this environment declares no PostgreSQL")
    return target.spec.services.postgres


def _migrator():
    try:
        from roles.postgres.reconcile import privileges, extensions, settings
    except ImportError as exc:  # the PostgreSQL migrator is optional in a trimmed install
        pytest.skip(f"the PostgreSQL migrator is not available ({exc})")
    return privileges, extensions, settings


def test_grants_match_spec(target, connections, pg, postgres_database):
    privileges, _, settings = _migrator()
    name, db = postgres_database
    conn = connections.postgres(reader_login(target, name), name)
    owner = db.owner.name if db.owner else pg.superuser.name
    roles = db.access_by_role()
    steps = (privileges.database_acl_steps(conn, name, roles)
             + privileges.schema_steps(conn, name, db.schema_name, owner, roles)
             + privileges.default_privilege_steps(conn, name, db.schema_name, owner, roles)
             + privileges.relation_grant_steps(conn, name, db.schema_name, roles, settings.load_alembic_settings().version_table))
    differences = [f"{s.target}: {s.action} {s.detail}".strip() for s in steps]
    assert not differences, f"postgres {name}: grants differ from the spec: {'; '.join(differences)} — fix: {target.fix}"


def test_extensions_match_spec(target, connections, pg, postgres_database):
    _, extensions, _ = _migrator()
    name, db = postgres_database
    conn = connections.postgres(reader_login(target, name), name)
    steps, drift = extensions.extension_steps(conn, name, db.extensions)
    problems = [f"{name}: extension {s.target.split()[-1]} missing" for s in steps] + drift
    assert not problems, f"postgres {'; '.join(problems)} — fix: {target.fix}"


def test_alembic_at_head(target, connections, pg, postgres_database):
    name, db = postgres_database
    if db.alembic is None:
        pytest.skip(f"{name}: no Alembic directory declared (services.postgres.databases.{name}.alembic), no tables to compare")
    _, _, settings = _migrator()
    head = alembic_head(db.alembic)
    conn = connections.postgres(reader_login(target, name), name)
    current = alembic_revision(conn, db.schema_name, settings.load_alembic_settings().version_table)
    assert current == head, (f"postgres {name}: Alembic revision {current or 'none (never migrated)'} != head {head} "
                             f"— fix: {target.fix}")
