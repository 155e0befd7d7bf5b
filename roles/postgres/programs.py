"""The PostgreSQL programs on this machine: the server's bin directory (Debian's versioned one first)."""

from __future__ import annotations

from pathlib import Path

from datastack.programs import system_program

BIN_DIR = "postgres-bin"  # the directory holding postgres, initdb and pg_ctl
INSTALL_HINTS = {"postgres": "install it: apt-get install postgresql", "initdb": "install it: apt-get install postgresql"}


def find_postgres_bin(version: str) -> str | None:
    debian = Path(f"/usr/lib/postgresql/{version}/bin")
    if (debian / "postgres").exists():
        return str(debian)
    found = system_program("postgres")
    return str(Path(found).parent) if found else None


def find_postgres_programs(spec) -> dict[str, str | None]:
    postgres = spec.services.postgres if spec is not None else None
    return {BIN_DIR: find_postgres_bin(postgres.version if postgres else "15")}
