"""Application containers and the bundled reference app, wired with least-privileged credentials."""

from __future__ import annotations

from datastack.services import Service

from .addresses import app_address, apps_in_containers
from .container import BASE_PACKAGES, CONTAINER, IMAGE_RECIPES
from .plan import plan_apps
from .spec import AppSpec

SERVICE = Service(name="app", plan=plan_apps, spec_key="apps", spec_model=AppSpec, spec_list=True,
                  address=app_address, container=CONTAINER,
                  in_containers=apps_in_containers,
                  image_recipes=IMAGE_RECIPES, base_packages=BASE_PACKAGES,
                  # The reference app's drivers, for its process on the local engine.
                  runtime_requirements=("pymongo>=4.6", "psycopg[binary]>=3.1", "redis>=5"))
