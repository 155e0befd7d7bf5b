"""Application containers: the reference app's image (uid 10001) or the spec's own image."""

from __future__ import annotations

from datastack.images.recipes import Recipe
from datastack.paths import PROJECT_ROOT
from datastack.plan.containers import ContainerConventions, ImageUser

INNER_PORT = 8080


def healthcheck(implementation: str) -> list[str]:
    if implementation == "reference-app":
        return ["CMD", "python", "-c",
                f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{INNER_PORT}/health', timeout=4)"]
    return ["CMD-SHELL", f"exec 3<>/dev/tcp/127.0.0.1/{INNER_PORT}"]


# Offline images (`datastack images build`): the recipe and what it needs in the debootstrap base.
IMAGE_RECIPES = (
    Recipe("app", "the reference app (app/) in a venv with pymongo, psycopg, redis; runs as user app",
           extra_context={"app": PROJECT_ROOT / "app"}),
)
BASE_PACKAGES = ("python3", "python3-venv")

CONTAINER = ContainerConventions(
    inner_port=INNER_PORT,
    users={"official": ImageUser("app", 10001, 10001), "offline": ImageUser("app", 10001, 10001)},
    offline_recipes={"reference-app": "app"},
    healthcheck=healthcheck,
)
