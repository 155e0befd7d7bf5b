"""Run PostgreSQL bootstrap steps: login roles with scram passwords, databases owned by their owner."""

from __future__ import annotations

from ..plan.model import BootstrapStep


def run_postgres_bootstrap(host: str, port: int, superuser: str, password: str, steps: list[BootstrapStep],
                           secrets: dict[str, str], say=lambda line: None) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=host, port=port, user=superuser, password=password, dbname="postgres",
                         autocommit=True, connect_timeout=5) as conn:
        for step in steps:
            if step.action == "postgres_create_role":
                role = sql.Identifier(step.target)
                secret = sql.Literal(secrets[step.params["secret_id"]])
                exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (step.target,)).fetchone()
                verb = sql.SQL("ALTER ROLE") if exists else sql.SQL("CREATE ROLE")
                conn.execute(sql.SQL("{} {} LOGIN PASSWORD {}").format(verb, role, secret))
                say(f"role {step.target} ready")
            elif step.action == "postgres_create_database":
                name = sql.Identifier(step.target)
                owner = sql.Identifier(step.params["owner"])
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (step.target,)).fetchone():
                    conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(name, owner))
                # Only declared roles may connect: PUBLIC's default CONNECT is revoked.
                conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(name))
                for reader in step.params.get("connect", []):
                    conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(name, sql.Identifier(reader)))
                say(f"database {step.target} ready")
