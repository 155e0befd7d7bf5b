"""MongoDB in containers: the official image, or the offline SecantusDB stand-in (single node)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.images.recipes import Recipe
from datastack.plan.containers import CONF_DIR, ContainerConventions, ImageUser
from datastack.tls import SERVER_CA_FILE

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec

INNER_PORT = 27017
SERVER_CA = f"{CONF_DIR}/{SERVER_CA_FILE}"


def healthcheck(implementation: str) -> list[str]:
    # With its CA delivered the server speaks TLS only, and the check does too.
    if implementation == "secantus":
        return ["CMD", "/opt/secantus/bin/python", "-c",
                f"import os, pymongo; ca = '{SERVER_CA}'; tls = dict(tls=True, tlsCAFile=ca) if os.path.exists(ca) else {{}}; "
                "c = pymongo.MongoClient('mongodb://127.0.0.1:27017/?directConnection=true',"
                " serverSelectionTimeoutMS=2000, **tls); c.admin.command('hello'); c.close()"]
    hello = "mongosh --quiet --norc --eval \"db.adminCommand('hello').ok\""
    return ["CMD-SHELL", f"if [ -e {SERVER_CA} ]; then {hello} --tls --tlsCAFile {SERVER_CA} --host 127.0.0.1; else {hello}; fi"]


# Offline images (`datastack images build`): the recipe and what it needs in the debootstrap base.
IMAGE_RECIPES = (
    Recipe("mongodb-standin", "SecantusDB 0.7.0b3 (MongoDB wire-compatible, single node), runs as user mongodb"),
)
BASE_PACKAGES = ("python3", "python3-venv")

CONTAINER = ContainerConventions(
    inner_port=INNER_PORT,
    # Official: the docker-library user (999); offline: images/mongodb-standin/Dockerfile.
    users={"official": ImageUser("mongodb", 999, 999), "offline": ImageUser("mongodb", 999, 999)},
    official_images={"mongod": "mongo:{version}"},
    offline_recipes={"mongod": "mongodb-standin", "secantus": "mongodb-standin"},
    data_dir="/data/db",
    healthcheck=healthcheck,
)


def mongo_member_names(spec: EnvironmentSpec, standin: bool) -> list[str]:
    mongo = spec.services.mongodb
    if standin or mongo.topology == "standalone":
        return ["mongodb"]
    return [f"mongodb-{i}" for i in range(mongo.members)]


def mongo_uses_standin(spec: EnvironmentSpec) -> bool:
    """Offline images have no mongod: the SecantusDB stand-in image runs, single node."""
    return spec.images == "offline"
