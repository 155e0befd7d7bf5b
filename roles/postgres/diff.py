"""PostgreSQL in `datastack diff`: Alembic revision, tables/columns/indexes/constraints of each declared schema (the
check suite's catalog snapshot), login roles.

When two databases sit at different Alembic revisions, their structures differ because of it: that is reported as
one difference (the revision), with the structural changes counted in its detail, rather than as a table-by-table
list that would bury the cause."""

from __future__ import annotations

from typing import Any

from datastack.diff.compare import Difference, keyed
from datastack.errors import RuntimeFailure
from .login import postgres_login, postgres_uri


def postgres_snapshot(spec, endpoints, secrets) -> dict[str, Any]:
    import psycopg

    from roles.postgres.reconcile.catalog_snapshot import catalog_snapshot
    from checks.lib.postgres import alembic_revision

    from roles.postgres.reconcile.settings import load_alembic_settings

    ledger = load_alembic_settings().version_table
    login = postgres_login(spec, secrets)
    found: dict[str, Any] = {}
    try:
        with psycopg.connect(postgres_uri(endpoints, login, "postgres"), autocommit=True) as cluster:
            roles = {name: {"login": can_login, "superuser": superuser, "createdb": createdb}
                     for name, can_login, superuser, createdb in cluster.execute(
                         "SELECT rolname, rolcanlogin, rolsuper, rolcreatedb FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1")}
        found["roles"] = roles
        for name, db in spec.services.postgres.databases.items():
            with psycopg.connect(postgres_uri(endpoints, login, name), autocommit=True) as conn:
                conn.execute("SET default_transaction_read_only = on")
                found[name] = {"revision": alembic_revision(conn, db.schema_name, ledger),
                               "structure": catalog_snapshot(conn, db.schema_name, ledger)}
        return found
    except psycopg.Error as exc:
        raise RuntimeFailure(f"postgres of {spec.name}: {str(exc).strip().splitlines()[0][:200]}",
                             fix=f"is it up? 'datastack status {spec.selector}'") from None


def compare_postgres(a: dict, b: dict, out: list[Difference]) -> None:
    keyed("postgres", "", a.get("roles", {}), b.get("roles", {}), "role", out)

    def database(name: str, da: dict, db: dict) -> None:
        sa, sb = da["structure"], db["structure"]
        if da["revision"] != db["revision"]:
            changed: list[Difference] = []
            _structure(name, sa, sb, changed)
            out.append(Difference("postgres", f"{name} alembic revision", "differs", da["revision"] or "none", db["revision"] or "none",
                                  f"{len(changed)} structural differences follow from it" if changed else "same structure"))
        else:
            _structure(name, sa, sb, out)

    keyed("postgres", "", {k: v for k, v in a.items() if k != "roles"}, {k: v for k, v in b.items() if k != "roles"},
           "database", out, database)


def _structure(name: str, a: dict, b: dict, out: list[Difference]) -> None:
    tables = {t: None for t in a["tables"]}, {t: None for t in b["tables"]}
    keyed("postgres", name, *tables, " table", out)
    common = set(a["tables"]) & set(b["tables"])
    for kind in ("columns", "indexes", "constraints"):
        for table in sorted(common):
            keyed("postgres", f"{name}.{table}", a[kind].get(table, {}), b[kind].get(table, {}), f" {kind[:-1] if kind != 'indexes' else 'index'}", out)
