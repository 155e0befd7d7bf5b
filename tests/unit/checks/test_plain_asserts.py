"""The check suite runs with --assert=plain (checks/pytest.ini), so every assert in it must carry its message:
a bare assert would fail with no word of what differs."""

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
