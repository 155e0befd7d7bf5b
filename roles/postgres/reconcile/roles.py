"""Cluster-wide state: login roles with the spec's passwords and attributes, databases and their owners."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roles.postgres.spec import PostgresSpec
from .scram import scram_verifier, verifier_matches
from .steps import Step

if TYPE_CHECKING:
    import psycopg

# Every declared role logs in and nothing more: no superuser, no role or database creation.
ROLE_ATTRIBUTES = {
    "rolcanlogin": ("LOGIN", True),
    "rolsuper": ("SUPERUSER", False),
    "rolcreatedb": ("CREATEDB", False),
    "rolcreaterole": ("CREATEROLE", False),
    "rolreplication": ("REPLICATION", False),
    "rolbypassrls": ("BYPASSRLS", False),
    "rolinherit": ("INHERIT", True),
}


def _keywords(attributes: dict[str, tuple[str, bool]]) -> list[str]:
    return [word if wanted else f"NO{word}" for word, wanted in attributes.values()]


def role_steps(conn: "psycopg.Connection", pg: PostgresSpec, secrets: dict[str, str]) -> dict[str, list[Step]]:
    """Steps per database (the one declaring the role) to make every role exist as the spec says."""
    from psycopg import sql

    columns = ", ".join(ROLE_ATTRIBUTES)
    names = [u.name for db in pg.databases.values() for u in db.users]
    rows = conn.execute(f"SELECT rolname, {columns}, rolpassword FROM pg_authid WHERE rolname = ANY(%s)", [names])
    live = {row[0]: row for row in rows.fetchall()}
    steps: dict[str, list[Step]] = {db_name: [] for db_name in pg.databases}
    for db_name, db in pg.databases.items():
        for user in db.users:
            password = secrets[pg.user_secret_id(db_name, user.name)]
            role = sql.Identifier(user.name)
            target = f"{db_name}.role {user.name}"
            row = live.get(user.name)
            if row is None:
                words = sql.SQL(" ".join(_keywords(ROLE_ATTRIBUTES)))
                statement = sql.SQL("CREATE ROLE {} {} PASSWORD {}").format(role, words, sql.Literal(scram_verifier(password)))
                steps[db_name].append(Step(target, "create_role", user.access, [statement]))
                continue
            wrong = {col: spec for (col, spec), value in zip(ROLE_ATTRIBUTES.items(), row[1:-1]) if value != spec[1]}
            if wrong:
                words = _keywords(wrong)
                statement = sql.SQL("ALTER ROLE {} {}").format(role, sql.SQL(" ".join(words)))
                steps[db_name].append(Step(target, "alter_role", " ".join(words), [statement]))
            if not verifier_matches(password, row[-1]):
                statement = sql.SQL("ALTER ROLE {} PASSWORD {}").format(role, sql.Literal(scram_verifier(password)))
                steps[db_name].append(Step(target, "set_password", "password differs from the secret", [statement]))
    return steps


def superuser_password_steps(conn: "psycopg.Connection", pg: PostgresSpec, secrets: dict[str, str]) -> list[Step]:
    """The superuser's password follows its secret (initdb set the first one); sent as a SCRAM verifier."""
    from psycopg import sql

    row = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [pg.superuser.name]).fetchone()
    password = secrets[pg.superuser_secret_id]
    if row is not None and verifier_matches(password, row[0]):
        return []
    statement = sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(pg.superuser.name), sql.Literal(scram_verifier(password)))
    return [Step(f"role {pg.superuser.name}", "set_password", "password differs from the secret", [statement])]


def search_path_steps(conn: "psycopg.Connection", db_name: str, schema: str, roles: list[str]) -> list[Step]:
    """Outside 'public', each role finds the schema first without qualifying names."""
    from psycopg import sql

    if schema == "public":
        return []
    rows = conn.execute(
        "SELECT r.rolname, s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
        "JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = %s", [db_name]).fetchall()
    live = {name: config or [] for name, config in rows}
    wanted = f"search_path={schema}"
    steps = []
    for role in roles:
        if wanted not in live.get(role, []):
            statement = sql.SQL("ALTER ROLE {} IN DATABASE {} SET search_path = {}").format(
                sql.Identifier(role), sql.Identifier(db_name), sql.Identifier(schema))
            steps.append(Step(f"{db_name}.role {role}", "set_search_path", schema, [statement]))
    return steps


def database_steps(conn: "psycopg.Connection", db_name: str, owner: str) -> list[Step]:
    from psycopg import sql

    row = conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [db_name]).fetchone()
    name, role = sql.Identifier(db_name), sql.Identifier(owner)
    if row is None:
        return [Step(db_name, "create_database", f"owner {owner}", [sql.SQL("CREATE DATABASE {} OWNER {}").format(name, role)])]
    if row[0] != owner:
        return [Step(db_name, "alter_database_owner", f"{row[0]} -> {owner}",
                     [sql.SQL("ALTER DATABASE {} OWNER TO {}").format(name, role)])]
    return []
