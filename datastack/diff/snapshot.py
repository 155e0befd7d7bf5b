"""Read one live environment's design as plain data: reads only, with each store's administrator.

Each store reads its own part (`Store.snapshot`, in roles/<store>/diff.py): structure, users and roles, revisions,
policy settings. Environment-specific values (ports, paths, secrets) are never read, so they cannot show up as
differences or leak into output.
"""

from __future__ import annotations

from typing import Any

from ..services import declared_stores
from ..session import Session


def read_snapshot(session: Session) -> dict[str, Any]:
    spec, endpoints, secrets = session.spec, session.endpoints(), session.secrets()
    return {service.name: service.store.snapshot(spec, endpoints, secrets)
            for service in declared_stores(spec) if service.store.snapshot is not None}
