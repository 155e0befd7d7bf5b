"""PostgreSQL roles: every declared role with the spec's attributes, no undeclared login roles, least privilege."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from psycopg import sql

from checks.lib.postgres import SCRATCH, any_reader, reader_login, tables

WRITE_PRIVILEGES = "INSERT, UPDATE, DELETE, TRUNCATE"


@pytest.fixture(scope="module")
def pg(target):
    if target.spec.services.postgres is None:
        pytest.skip("this environment declares no PostgreSQL")
    return target.spec.services.postgres


def test_role_has_declared_attributes(target, connections, pg, postgres_user):
    from roles.postgres.reconcile.roles import ROLE_ATTRIBUTES

    db, user = postgres_user
    login, on = any_reader(target)
    row = connections.postgres(login, on).execute(
        f"SELECT {', '.join(ROLE_ATTRIBUTES)} FROM pg_roles WHERE rolname = %s", [user.name]).fetchone()
    assert row is not None, f"postgres role {user.name} missing — fix: {target.fix}"
    wrong = [f"{word if value else 'NO' + word} (declared {word if wanted else 'NO' + word})"
             for (col, (word, wanted)), value in zip(ROLE_ATTRIBUTES.items(), row) if value != wanted]
    assert not wrong, f"postgres role {user.name}: {', '.join(wrong)} — fix: {target.fix}"


def test_no_undeclared_login_roles(target, connections, pg):
    declared = {pg.superuser.name} | {u.name for d in pg.databases.values() for u in d.users}
    login, on = any_reader(target)
    rows = connections.postgres(login, on).execute("SELECT rolname FROM pg_roles WHERE rolcanlogin ORDER BY 1").fetchall()
    extra = [r[0] for r in rows if r[0] not in declared]
    assert not extra, (f"postgres has undeclared login roles: {', '.join(extra)} "
                       "— fix: DROP ROLE them (or ALTER ROLE ... NOLOGIN), or declare them in the spec")


def test_readonly_roles_cannot_write(target, connections, pg):
    readonly = [(db, d, u) for db, d in pg.databases.items() for u in d.users if u.access == "readonly"]
    readonly += [(db, d, g) for db, d in pg.databases.items() for g in d.grants if g.access == "readonly"]
    if not readonly:
        pytest.skip("no readonly PostgreSQL role is declared")
    for db, d, user in readonly:
        conn = connections.postgres(reader_login(target, db), db)
        may = _write_privileges(conn, user.name, db, d.schema_name)
        assert not may, f"postgres {db}: readonly role {(getattr(user, 'name', None) or user.role)} may {'; '.join(may)} — fix: {target.fix}"
        if not target.read_only and hasattr(user, "password"):
            own = connections.open_postgres(target.postgres(user.name), db)
            try:
                _assert_refused(own, sql.SQL("CREATE TABLE {} (x int)").format(sql.Identifier(d.schema_name, f"{SCRATCH}_probe")),
                                f"postgres {db}: readonly role {user.name} created a table", target.fix)
            finally:
                own.close()


def test_app_roles_cannot_drop_databases_or_manage_roles(target, connections, pg):
    target.require_admin("probing app roles (their credentials are not read-only)")
    for db, d in pg.databases.items():
        for user in (u for u in d.users if u.access == "app"):
            row = connections.postgres(target.postgres(), db).execute(
                "SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, pg_get_userbyid(d.datdba) = r.rolname, "
                "EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid AND m.roleid = d.datdba) "
                "FROM pg_roles r, pg_database d WHERE r.rolname = %s AND d.datname = %s", [user.name, db]).fetchone()
            labels = ("is SUPERUSER", "may CREATEROLE", "may CREATEDB", "owns the database (may drop it)",
                      "is a member of the database owner (may drop it)")
            wrong = [label for label, value in zip(labels, row) if value]
            assert not wrong, f"postgres {db}: app role {user.name} {', '.join(wrong)} — fix: {target.fix}"
            own = connections.open_postgres(target.postgres(user.name), db)
            try:
                _assert_refused(own, f"CREATE ROLE _datastack_probe_{uuid.uuid4().hex[:8]}",
                                f"postgres {db}: app role {user.name} created a role", target.fix)
            finally:
                own.close()


def test_wrong_password_is_refused(target, pg):
    import psycopg

    from roles.postgres.login import postgres_uri

    candidates = [(db, u) for db, d in pg.databases.items() for u in d.users
                  if not target.read_only or u.access == "readonly"]
    if not candidates:
        pytest.skip("no PostgreSQL role to probe with")
    db, user = candidates[0]
    login = replace(target.postgres(user.name), password="wrong-" + uuid.uuid4().hex[:8])
    try:
        psycopg.connect(postgres_uri(target.endpoints, login, db, timeout_s=3)).close()
    except psycopg.OperationalError as exc:
        assert "password authentication failed" in str(exc), f"postgres: a wrong password for {user.name} gave: {exc}"
        return
    pytest.fail(f"postgres accepted a wrong password for {user.name} — fix: pg_hba.conf must require scram-sha-256 "
                f"('{target.up_fix}' rewrites it)", pytrace=False)


def _write_privileges(conn, role: str, database: str, schema: str) -> list[str]:
    found = []
    if conn.execute("SELECT has_schema_privilege(%s, %s, 'CREATE')", [role, schema]).fetchone()[0]:
        found.append(f"CREATE in schema {schema}")
    if conn.execute("SELECT has_database_privilege(%s, %s, 'CREATE')", [role, database]).fetchone()[0]:
        found.append(f"CREATE in database {database}")
    for table in tables(conn, schema):
        if conn.execute("SELECT has_table_privilege(%s, %s, %s)",
                        [role, f'"{schema}"."{table}"', WRITE_PRIVILEGES]).fetchone()[0]:
            found.append(f"write to {schema}.{table}")
    return found


def _assert_refused(conn, statement: str, what: str, fix: str) -> None:
    import psycopg

    try:
        with conn.transaction(force_rollback=True):
            conn.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        return
    pytest.fail(f"{what}: it should have been refused (rolled back) — fix: {fix}", pytrace=False)
