"""Application containers and the bundled reference app, wired with least-privileged credentials."""

from __future__ import annotations

from datastack.services import Service

from .plan import plan_apps

SERVICE = Service(name="app", plan=plan_apps, spec_key="apps")
