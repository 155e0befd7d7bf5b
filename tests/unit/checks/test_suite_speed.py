"""What keeps `datastack check` fast without losing its messages: plain asserts (each with its message, see
checks/pytest.ini) and Alembic heads read from the cache rather than from Alembic."""

from __future__ import annotations

import ast

from datastack.paths import CHECKS_DIR


def test_every_assert_in_the_checks_has_a_message():
    bare = [f"{path.relative_to(CHECKS_DIR)}:{node.lineno}"
            for path in sorted(CHECKS_DIR.rglob("*.py"))
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Assert) and node.msg is None]
    assert bare == []


def test_the_suite_runs_with_plain_asserts():
    assert "--assert=plain" in (CHECKS_DIR / "pytest.ini").read_text()


def test_the_checks_read_alembic_heads_from_the_cache_not_from_alembic():
    # Importing Alembic and SQLAlchemy costs ~0.4 s of every `check`; checks/lib/postgres.alembic_head reads the cache.
    importers = [f"{path.relative_to(CHECKS_DIR)}:{node.lineno}"
                 for path in sorted(CHECKS_DIR.rglob("*.py"))
                 for node in ast.walk(ast.parse(path.read_text()))
                 if isinstance(node, (ast.Import, ast.ImportFrom))
                 and any(name.startswith(("alembic", "sqlalchemy", "roles.postgres.reconcile.alembic_runner"))
                         for name in ([node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]))]
    assert importers == []
