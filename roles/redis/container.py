"""Redis in containers: the official image or the offline one."""

from __future__ import annotations

from datastack.images.recipes import Recipe
from datastack.plan.containers import ContainerConventions, ImageUser

INNER_PORT = 6379

# Offline images (`datastack images build`): the recipe and what it needs in the debootstrap base.
IMAGE_RECIPES = (
    Recipe("redis", "Redis 7.0 with ACL file or password, runs as user redis"),
)
BASE_PACKAGES = ("redis-server",)

CONTAINER = ContainerConventions(
    inner_port=INNER_PORT,
    # Official: the docker-library user (999); offline: the Debian package's system user in the debootstrap base.
    users={"official": ImageUser("redis", 999, 999), "offline": ImageUser("redis", 100, 102)},
    official_images={"redis": "redis:{version}-bookworm"},
    offline_recipes={"redis": "redis"},
    data_dir="/data",
    # No credentials in the check: NOAUTH proves the server answers as well as PONG does.
    healthcheck=lambda implementation: ["CMD-SHELL", f"redis-cli -h 127.0.0.1 -p {INNER_PORT} PING 2>&1 | grep -qE 'PONG|NOAUTH'"],
)
