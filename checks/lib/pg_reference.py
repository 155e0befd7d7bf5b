"""The declared structure of a PostgreSQL database for the checks: the reconciler's reference snapshot
(roles/postgres/reconcile/reference.py), cached by a hash of the Alembic scripts. Read-only runs never
build it (building writes a scratch database): without a cache they skip.
"""

from __future__ import annotations

import pytest

from datastack.errors import DatastackError
from roles.postgres.reconcile.reference import cached_reference, reference_structure

from .target import Target


def declared_structure(target: Target, database: str, ledger: str) -> dict:
    """The cached reference snapshot, or a freshly built one (skips in read-only mode without a cache)."""
    _, _, cached = cached_reference(target.spec, target.session.state_dir, database)
    if cached is not None:
        return cached
    if target.read_only:
        pytest.skip(f"read-only mode: {database}'s declared structure is not cached for these Alembic scripts "
                    f"and building it needs a scratch database — run 'datastack check {target.spec.selector}' once "
                    "with administrator credentials")
    try:
        return reference_structure(target.spec, target.endpoints, target.secrets(), target.session.state_dir,
                                   database, ledger)
    except DatastackError as exc:
        pytest.fail(f"postgres {database}: cannot build the declared structure: {exc.one_line()}", pytrace=False)
