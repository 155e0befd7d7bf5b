"""Grants from access levels: what owner, app and readonly roles may do, reconciled GRANT by REVOKE.

The owner owns the database, its schema and (through Alembic) every table, so it is never granted
anything. `app` reads and writes data but cannot CREATE or DROP (only owners drop; CREATE on the
schema is not granted); `readonly` only SELECTs. PUBLIC gets nothing. Default privileges FOR ROLE
<owner> cover tables created later. Extra privileges found live are revoked: the spec is exact, and
that includes grants held by roles the spec does not declare for the database (a role left over
from an old spec, or granted by hand), which are revoked too; only superusers and the object's owner
keep theirs.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from .steps import Step

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

PUBLIC = "PUBLIC"
DATABASE = {"app": {"CONNECT", "TEMPORARY"}, "readonly": {"CONNECT"}}
SCHEMA = {"app": {"USAGE"}, "readonly": {"USAGE"}}
TABLE = {"app": {"SELECT", "INSERT", "UPDATE", "DELETE"}, "readonly": {"SELECT"}}
SEQUENCE = {"app": {"USAGE", "SELECT", "UPDATE"}, "readonly": {"SELECT"}}
# Alembic's version table: only migrations (as the owner) move it.
LEDGER = {"app": {"SELECT"}, "readonly": {"SELECT"}}

Acl = dict[str, set[str]]  # grantee (role name or PUBLIC) -> privileges

_GRANTEE = "coalesce(r.rolname, 'PUBLIC')"  # aclexplode's grantee 0 is PUBLIC


def desired_acl(levels: dict[str, set[str]], roles: dict[str, str]) -> Acl:
    acl: Acl = {PUBLIC: set()}
    for role, access in roles.items():
        if access in levels:
            acl[role] = set(levels[access])
    return acl


def acl_diff(current: Acl, desired: Acl, keep: set[str] | None = None) -> list[tuple[str, str, frozenset[str]]]:
    """(GRANT|REVOKE, grantee, privileges) turning `current` into `desired`. With `keep` (the roles the spec
    declares for this database, the owners and the superusers), every other grantee loses what it holds."""
    changes = []
    for grantee, wanted in desired.items():
        have = current.get(grantee, set())
        if wanted - have:
            changes.append(("GRANT", grantee, frozenset(wanted - have)))
        if have - wanted:
            changes.append(("REVOKE", grantee, frozenset(have - wanted)))
    if keep is not None:
        for grantee, have in sorted(current.items()):
            if grantee not in desired and grantee not in keep and have:
                changes.append(("REVOKE", grantee, frozenset(have)))
    return changes


def kept_roles(conn: "psycopg.Connection", roles: dict[str, str], *owners: str | None) -> set[str]:
    """Grantees whose privileges are not this reconciler's to revoke: declared roles, owners, superusers."""
    superusers = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles WHERE rolsuper").fetchall()}
    return set(roles) | superusers | {o for o in owners if o}


def privilege_statement(verb: str, privileges: frozenset[str], on: "sql.Composable", grantee: str,
                        prefix: "sql.Composable | None" = None) -> "sql.Composable":
    from psycopg import sql

    who = sql.SQL(PUBLIC) if grantee == PUBLIC else sql.Identifier(grantee)
    privs = sql.SQL(", ").join(sql.SQL(p) for p in sorted(privileges))
    statement = sql.SQL("{} {} ON {} {} {}").format(
        sql.SQL(verb), privs, on, sql.SQL("TO" if verb == "GRANT" else "FROM"), who)
    return sql.SQL("{} {}").format(prefix, statement) if prefix is not None else statement


def _describe(verb: str, grantee: str, privileges: frozenset[str]) -> str:
    return f"{', '.join(sorted(privileges))} {'to' if verb == 'GRANT' else 'from'} {grantee}"


def _fetch_acl(conn: "psycopg.Connection", query: str, params: list) -> Acl:
    acl: Acl = defaultdict(set)
    for grantee, privilege in conn.execute(query, params).fetchall():
        acl[grantee].add(privilege)
    return acl


def database_acl_steps(conn: "psycopg.Connection", db_name: str, roles: dict[str, str]) -> list[Step]:
    from psycopg import sql

    current = _fetch_acl(conn, f"SELECT {_GRANTEE}, a.privilege_type FROM pg_database d "
                               "CROSS JOIN LATERAL aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a "
                               "LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE d.datname = %s", [db_name])
    owner = conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", [db_name]).fetchone()
    keep = kept_roles(conn, roles, owner[0] if owner else None)
    on = sql.SQL("DATABASE {}").format(sql.Identifier(db_name))
    return [Step(f"{db_name}.database", verb.lower(), _describe(verb, who, privs), [privilege_statement(verb, privs, on, who)])
            for verb, who, privs in acl_diff(current, desired_acl(DATABASE, roles), keep)]


def schema_steps(conn: "psycopg.Connection", db_name: str, schema: str, owner: str, roles: dict[str, str]) -> list[Step]:
    """The schema exists, belongs to the owner (public stays pg_database_owner's), and only USAGE is granted."""
    from psycopg import sql

    target, name = f"{db_name}.schema {schema}", sql.Identifier(schema)
    steps = []
    row = conn.execute("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = %s", [schema]).fetchone()
    if row is None:
        steps.append(Step(target, "create_schema", f"owner {owner}",
                          [sql.SQL("CREATE SCHEMA {} AUTHORIZATION {}").format(name, sql.Identifier(owner))]))
    elif schema != "public" and row[0] != owner:
        steps.append(Step(target, "alter_schema_owner", f"{row[0]} -> {owner}",
                          [sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(name, sql.Identifier(owner))]))
    current = _fetch_acl(conn, f"SELECT {_GRANTEE}, a.privilege_type FROM pg_namespace n "
                               "CROSS JOIN LATERAL aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a "
                               "LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE n.nspname = %s", [schema])
    on = sql.SQL("SCHEMA {}").format(name)
    keep = kept_roles(conn, roles, owner, row[0] if row else None, "pg_database_owner")
    steps += [Step(target, verb.lower(), _describe(verb, who, privs), [privilege_statement(verb, privs, on, who)])
              for verb, who, privs in acl_diff(current, desired_acl(SCHEMA, roles), keep)]
    return steps


def default_privilege_steps(conn: "psycopg.Connection", db_name: str, schema: str, owner: str,
                            roles: dict[str, str]) -> list[Step]:
    """ALTER DEFAULT PRIVILEGES FOR ROLE <owner>: tables the owner creates later are granted at birth."""
    from psycopg import sql

    rows = conn.execute(
        f"SELECT d.defaclobjtype, {_GRANTEE}, a.privilege_type FROM pg_default_acl d "
        "JOIN pg_namespace n ON n.oid = d.defaclnamespace CROSS JOIN LATERAL aclexplode(d.defaclacl) a "
        "LEFT JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = %s) AND n.nspname = %s", [owner, schema]).fetchall()
    current: dict[str, Acl] = {"r": defaultdict(set), "S": defaultdict(set)}
    for objtype, grantee, privilege in rows:
        current.setdefault(objtype, defaultdict(set))[grantee].add(privilege)
    prefix = sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {}").format(sql.Identifier(owner), sql.Identifier(schema))
    steps = []
    keep = kept_roles(conn, roles, owner)
    for objtype, kind, levels in (("r", "TABLES", TABLE), ("S", "SEQUENCES", SEQUENCE)):
        desired = desired_acl(levels, roles)
        desired.pop(PUBLIC)  # PUBLIC has no default privileges on tables or sequences to begin with
        for verb, who, privs in acl_diff(current[objtype], desired, keep):
            steps.append(Step(f"{db_name}.{schema} future {kind.lower()}", f"default_{verb.lower()}",
                              _describe(verb, who, privs),
                              [privilege_statement(verb, privs, sql.SQL(kind), who, prefix)]))
    return steps


def relation_grant_steps(conn: "psycopg.Connection", db_name: str, schema: str, roles: dict[str, str],
                         ledger_table: str) -> list[Step]:
    """Grants on every existing table and sequence of the schema, grouped into one step per change."""
    from psycopg import sql

    rows = conn.execute(
        f"SELECT c.relname, c.relkind = 'S', {_GRANTEE}, a.privilege_type, pg_get_userbyid(c.relowner) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN LATERAL aclexplode(coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's'::\"char\" ELSE 'r'::\"char\" END, "
        "c.relowner))) a ON true LEFT JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')", [schema]).fetchall()
    relations: dict[tuple[str, bool], Acl] = defaultdict(lambda: defaultdict(set))
    owners: dict[tuple[str, bool], str] = {}
    for name, is_sequence, grantee, privilege, owner in rows:
        acl = relations[(name, is_sequence)]
        owners[(name, is_sequence)] = owner
        if privilege is not None:
            acl[grantee].add(privilege)
    groups: dict[tuple[bool, str, str, frozenset[str]], list[str]] = defaultdict(list)
    keep = kept_roles(conn, roles)
    for (name, is_sequence), current in sorted(relations.items()):
        levels = SEQUENCE if is_sequence else LEDGER if name == ledger_table else TABLE
        for verb, who, privs in acl_diff(current, desired_acl(levels, roles), keep | {owners[(name, is_sequence)]}):
            groups[(is_sequence, verb, who, privs)].append(name)
    steps = []
    for (is_sequence, verb, who, privs), names in groups.items():
        kind = "SEQUENCE" if is_sequence else "TABLE"
        on = sql.SQL("{} {}").format(sql.SQL(kind), sql.SQL(", ").join(sql.Identifier(schema, n) for n in names))
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        steps.append(Step(f"{db_name}.{schema} {kind.lower()}s", verb.lower(),
                          f"{_describe(verb, who, privs)} on {shown}", [privilege_statement(verb, privs, on, who)]))
    return steps
