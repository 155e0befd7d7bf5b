"""A toy sixth service — a second Redis for caching — added through the registry alone.

Everything it needs is in this folder: its spec model, its plan entry, its reconciler (the one writer of its ACL
users), its URI and its checks (checks/, run by `datastack check`). tests/integration/test_toy_service.py registers it
— in-process with roles.registry.register(), and for the real CLI by naming this module in DATASTACK_SERVICES — and
shows it planned, started, migrated and checked on the local engine.
"""

from __future__ import annotations

from pathlib import Path

from datastack.services import Service, Store

from .check import check_cache
from .plan import plan_cache
from .reconcile import migrate_cache, status_cache
from .spec import CacheSpec, cache_uri

SERVICE = Service(
    name="cache",
    plan=plan_cache,
    store=Store(migrate=migrate_cache, status=status_cache, uri=cache_uri, reconcile_logins=migrate_cache),
    spec_model=CacheSpec,
    checks_dir=Path(__file__).parent / "checks",
)

__all__ = ["SERVICE", "check_cache"]
