"""mongo-express in containers: the official image (node, uid 1000) or the offline build."""

from __future__ import annotations

from datastack.images.recipes import Recipe
from datastack.plan.containers import ContainerConventions, ImageUser

INNER_PORT = 8081

# Offline images (`datastack images build`): the recipe and what it needs in the debootstrap base.
IMAGE_RECIPES = (
    Recipe("mongo-express", "mongo-express 1.1.0-rc-4 with built assets on nodejs 18, runs as user mongo-express"),
)
BASE_PACKAGES = ()

CONTAINER = ContainerConventions(
    inner_port=INNER_PORT,
    users={"official": ImageUser("node", 1000, 1000), "offline": ImageUser("mongo-express", 10002, 10002)},
    official_images={"mongo-express": "mongo-express:{version}"},
    offline_recipes={"mongo-express": "mongo-express"},
    healthcheck=lambda implementation: [
        "CMD", "node", "-e",
        f"require('http').get('http://127.0.0.1:{INNER_PORT}/', r => process.exit(r.statusCode < 500 ? 0 : 1))"
        ".on('error', () => process.exit(1))"],
)
