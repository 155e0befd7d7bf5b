"""Application containers and the bundled reference app, wired with least-privileged credentials."""

from __future__ import annotations

from datastack.services import Service

from .addresses import app_address
from .container import CONTAINER
from .plan import plan_apps

SERVICE = Service(name="app", plan=plan_apps, spec_key="apps", address=app_address, container=CONTAINER)
