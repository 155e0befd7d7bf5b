"""PostgreSQL in containers: the official image or the offline one; both keep its socket in /var/run/postgresql."""

from __future__ import annotations

from datastack.images.recipes import Recipe
from datastack.plan.containers import ContainerConventions, ImageUser

INNER_PORT = 5432

# Offline images (`datastack images build`): the recipe and what it needs in the debootstrap base.
IMAGE_RECIPES = (
    Recipe("postgres", "PostgreSQL 15, scram-sha-256, runs as user postgres"),
)
BASE_PACKAGES = ("postgresql",)

CONTAINER = ContainerConventions(
    inner_port=INNER_PORT,
    # Official: the docker-library user (999); offline: the Debian package's system user in the debootstrap base.
    users={"official": ImageUser("postgres", 999, 999), "offline": ImageUser("postgres", 101, 103)},
    official_images={"postgres": "postgres:{version}-bookworm"},
    offline_recipes={"postgres": "postgres"},
    data_dir="/var/lib/postgresql/data",
    run_dir="/var/run/postgresql",  # the images create it for the socket and lock file
    healthcheck=lambda implementation: ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", str(INNER_PORT), "-q"],
)
