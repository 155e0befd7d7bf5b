"""Load-time checks for PostgreSQL: each Alembic directory exists, is a script directory, has one head."""

from __future__ import annotations

from pathlib import Path

from datastack.errors import UserError
from datastack.paths import PROJECT_ROOT, display
from datastack.spec import EnvironmentSpec

from .script_heads import alembic_heads, cached_heads


def check_alembic_scripts(spec: EnvironmentSpec, spec_path: Path) -> None:
    pg = spec.services.postgres
    if pg is None:
        return
    where = display(spec_path)
    for db_name, db in pg.databases.items():
        if db.alembic is None:
            continue
        field = f"services.postgres.databases.{db_name}.alembic"
        script_dir = PROJECT_ROOT / db.alembic
        if not script_dir.is_dir():
            raise UserError(f"{field}: {display(script_dir)} does not exist", where=where,
                            fix="create it (env.py, script.py.mako, versions/) or correct the path")
        if not (script_dir / "env.py").is_file() or not (script_dir / "versions").is_dir():
            raise UserError(f"{field}: {display(script_dir)} is not an Alembic script directory", where=where,
                            fix="it needs env.py and versions/ (copy migrations/postgres/algo_trading as a start)")
        heads = _heads(script_dir, field, where)
        if len(heads) > 1:
            raise UserError(f"{field}: {display(script_dir)} has {len(heads)} heads ({', '.join(sorted(heads))})", where=where,
                            fix="merge them (alembic merge) or point one revision's down_revision at the other")


def _heads(script_dir: Path, field: str, where: str) -> tuple[str, ...]:
    try:
        return cached_heads(script_dir, alembic_heads)
    except (_alembic_errors(), SyntaxError, ImportError, KeyError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"{field}: cannot read the revisions ({reason})", where=where,
                        fix="fix the revision file it names") from None


def _alembic_errors() -> type[Exception]:
    """Alembic's CommandError once Alembic ran (a cache hit never imports it, and raises none)."""
    import sys

    util = sys.modules.get("alembic.util")
    return util.CommandError if util is not None else RuntimeError
