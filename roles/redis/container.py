"""Redis in containers: the official image or the offline one."""

from __future__ import annotations

from datastack.images.recipes import Recipe
from datastack.plan.containers import CONF_DIR, ContainerConventions, ImageUser
from datastack.tls import SERVER_CA_FILE

INNER_PORT = 6379
SERVER_CA = f"{CONF_DIR}/{SERVER_CA_FILE}"

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
    # No credentials in the check: NOAUTH proves the server answers as well as PONG does. With its CA delivered
    # the server speaks TLS only, and the check does too.
    healthcheck=lambda implementation: [
        "CMD-SHELL", f"{{ if [ -e {SERVER_CA} ]; then redis-cli --tls --cacert {SERVER_CA} -h 127.0.0.1 -p {INNER_PORT} PING; "
                     f"else redis-cli -h 127.0.0.1 -p {INNER_PORT} PING; fi; }} 2>&1 | grep -qE 'PONG|NOAUTH'"],
)
