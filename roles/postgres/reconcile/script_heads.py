"""The head revisions of an Alembic script directory, cached by the directory's content hash.

Every spec load checks that each Alembic directory has one head. Asking Alembic costs ~0.3 s of
imports (Alembic, SQLAlchemy, Mako) in every command, even `migrate --store mongodb`; the answer only
changes when a file in the directory changes, so it is kept under `<state root>/.cache/alembic-heads/`
keyed by a hash of every file's path and bytes. A missing, unreadable or foreign cache entry only
costs asking Alembic again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from datastack.paths import state_root

FORMAT = 1  # bump when what is cached changes shape


def scripts_digest(script_dir: Path) -> str:
    digest = hashlib.sha256(f"alembic-heads {FORMAT}".encode())
    for path in sorted(p for p in script_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(script_dir)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_file(digest: str) -> Path:
    return state_root() / ".cache" / "alembic-heads" / f"{digest}.json"


def cached_heads(script_dir: Path, read_heads) -> tuple[str, ...]:
    """`read_heads(script_dir)` (the Alembic call) only when no cache entry matches the directory's content."""
    path = cache_file(scripts_digest(script_dir))
    try:
        heads = json.loads(path.read_text())["heads"]
        if isinstance(heads, list) and heads and all(isinstance(h, str) for h in heads):
            return tuple(heads)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    heads = tuple(read_heads(script_dir))
    _save(path, heads)
    return heads


def _save(path: Path, heads: tuple[str, ...]) -> None:
    """Atomic and best effort: revision ids only, no secrets (0644)."""
    try:
        path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"heads": list(heads)}) + "\n")
        temporary.chmod(0o644)
        os.replace(temporary, path)
    except OSError:
        pass


def alembic_heads(script_dir: Path) -> list[str]:
    """Ask Alembic (imports Alembic and SQLAlchemy): what `cached_heads` calls on a miss."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(script_dir)).get_heads()


def revision_if_at_head(conn, script_dir: Path, schema: str, version_table: str) -> str | None:
    """The scripts' one head when the database's version table holds exactly it; None means: ask Alembic.

    Two catalog reads on the open psycopg connection instead of an SQLAlchemy engine and Alembic's
    imports (~0.4 s), so a no-change migrate of a database at head stays cheap. Anything unusual — no
    version table, several heads, another revision — takes Alembic's path, which says what to do.
    """
    from psycopg import sql

    heads = cached_heads(script_dir, alembic_heads)
    if len(heads) != 1:
        return None
    found = conn.execute("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = %s AND tablename = %s",
                         (schema, version_table)).fetchone()
    if found is None:
        return None
    rows = conn.execute(sql.SQL("SELECT version_num FROM {}.{}").format(
        sql.Identifier(schema), sql.Identifier(version_table))).fetchall()
    return heads[0] if tuple(row[0] for row in rows) == heads else None
