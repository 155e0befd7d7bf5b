"""Container conventions shared by the roles (target="container"), the Docker engine and the Pulumi program.

One place says, per role: which image (official pinned, or the offline `datastack/<recipe>:<hash>`), which
port the server listens on inside its container, which user it runs as (numeric, for file ownership), where
its data volume goes, how its health is checked, and how other containers reach it by DNS name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..endpoints import Endpoints, HttpEndpoint, MongoEndpoint, PostgresEndpoint, RedisEndpoint
from ..spec import EnvironmentSpec

OFFICIAL_IMAGES = {
    "mongod": "mongo:{version}",
    "postgres": "postgres:{version}-bookworm",
    "redis": "redis:{version}-bookworm",
    "mongo-express": "mongo-express:{version}",
}
# Offline recipes (images/<recipe>/, built by `datastack images build`) standing in for each official image.
OFFLINE_RECIPES = {
    "mongod": "mongodb-standin",
    "secantus": "mongodb-standin",
    "postgres": "postgres",
    "redis": "redis",
    "mongo-express": "mongo-express",
    "reference-app": "app",
}

# Port each server listens on inside its container; the spec's port is the published one.
CONTAINER_PORTS = {"mongodb": 27017, "postgres": 5432, "redis": 6379, "mongo_express": 8081, "app": 8080}

CONF_DIR = "/etc/datastack"
DATA_DIRS = {"mongodb": "/data/db", "postgres": "/var/lib/postgresql/data", "redis": "/data"}
POSTGRES_SOCKET_DIR = "/var/run/postgresql"


@dataclass(frozen=True)
class ImageUser:
    name: str
    uid: int
    gid: int
    # The image starts as root and never drops privileges itself: the engine starts it as this user instead.
    engine_sets_user: bool = False


# Who the server runs as in each image: config files are delivered owned by this uid (a keyFile must be).
# Official images: the docker-library users (999). Offline images: see images/<recipe>/Dockerfile and the
# Debian packages' system users in the debootstrap base (postgres 101:103, redis 100:102).
IMAGE_USERS = {
    ("official", "mongodb"): ImageUser("mongodb", 999, 999),
    ("official", "postgres"): ImageUser("postgres", 999, 999),
    ("official", "redis"): ImageUser("redis", 999, 999),
    # mongo-express 1.0.2 has no USER and its entrypoint never drops root (mongo-express-docker 1.0/*/Dockerfile):
    # it runs as node, the base image's user, because the engine says so.
    ("official", "mongo_express"): ImageUser("node", 1000, 1000, engine_sets_user=True),
    ("official", "app"): ImageUser("app", 10001, 10001),
    ("offline", "mongodb"): ImageUser("mongodb", 999, 999),
    ("offline", "postgres"): ImageUser("postgres", 101, 103),
    ("offline", "redis"): ImageUser("redis", 100, 102),
    ("offline", "mongo_express"): ImageUser("mongo-express", 10002, 10002),
    ("offline", "app"): ImageUser("app", 10001, 10001),
}


def image_flavor(spec: EnvironmentSpec) -> str:
    return spec.images


def image_for(spec: EnvironmentSpec, implementation: str, version: str) -> str:
    """The pinned official image, or the offline one where the spec says no registry answers."""
    if spec.images == "offline" or implementation not in OFFICIAL_IMAGES:
        return offline_image(OFFLINE_RECIPES[implementation])
    return OFFICIAL_IMAGES[implementation].format(version=version)


@lru_cache(maxsize=None)
def offline_image(recipe_name: str) -> str:
    """`datastack/<recipe>:<hash>`: the hash of the recipe's files, exactly what `datastack images build` tags."""
    from ..images.base import base_hash
    from ..images.recipes import image_tag, recipe_named

    return image_tag(recipe_named(recipe_name), base_hash())


def image_user(spec: EnvironmentSpec, role: str) -> ImageUser:
    return IMAGE_USERS[(spec.images, role)]


def service_role(service: str) -> str:
    """'mongodb-1' -> 'mongodb', 'app-reference' -> 'app'."""
    if service.startswith("app-"):
        return "app"
    return service.split("-", 1)[0]


def data_dir(service: str) -> str | None:
    return DATA_DIRS.get(service_role(service))


def healthcheck(role: str, implementation: str) -> list[str]:
    """The Docker healthcheck test for a service; official images ship none, so every container gets one."""
    if role == "mongodb":
        if implementation == "secantus":
            return ["CMD", "/opt/secantus/bin/python", "-c",
                    "import pymongo; c = pymongo.MongoClient('mongodb://127.0.0.1:27017/?directConnection=true',"
                    " serverSelectionTimeoutMS=2000); c.admin.command('hello'); c.close()"]
        return ["CMD", "mongosh", "--quiet", "--norc", "--eval", "db.adminCommand('hello').ok"]
    if role == "postgres":
        return ["CMD", "pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]
    if role == "redis":
        # No credentials in the check: NOAUTH proves the server answers as well as PONG does.
        return ["CMD-SHELL", "redis-cli -h 127.0.0.1 -p 6379 PING 2>&1 | grep -qE 'PONG|NOAUTH'"]
    if role == "mongo_express":
        return ["CMD", "node", "-e",
                "require('http').get('http://127.0.0.1:8081/', r => process.exit(r.statusCode < 500 ? 0 : 1))"
                ".on('error', () => process.exit(1))"]
    if implementation == "reference-app":
        return ["CMD", "python", "-c",
                "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=4)"]
    return ["CMD-SHELL", "exec 3<>/dev/tcp/127.0.0.1/8080"]


def internal_endpoints(spec: EnvironmentSpec, *, mongo_hosts: list[str], single_mongo: bool) -> Endpoints:
    """Where containers reach each other on the environment's private network: DNS names, container ports."""
    s = spec.services
    eps = Endpoints(environment=spec.name, engine="docker")
    if s.mongodb:
        eps.mongodb = MongoEndpoint(hosts=mongo_hosts, replica_set=None if single_mongo else s.mongodb.replica_set_name)
    if s.postgres:
        eps.postgres = PostgresEndpoint(host="postgres", port=CONTAINER_PORTS["postgres"])
    if s.redis:
        eps.redis = RedisEndpoint(host="redis", port=CONTAINER_PORTS["redis"])
    if s.mongo_express and s.mongo_express.enabled:
        eps.mongo_express = HttpEndpoint(url=f"http://mongo_express:{CONTAINER_PORTS['mongo_express']}")
    return eps


def mongo_member_names(spec: EnvironmentSpec, standin: bool) -> list[str]:
    mongo = spec.services.mongodb
    if standin or mongo.topology == "standalone":
        return ["mongodb"]
    return [f"mongodb-{i}" for i in range(mongo.members)]


def mongo_uses_standin(spec: EnvironmentSpec) -> bool:
    """Offline images have no mongod: the SecantusDB stand-in image runs, single node."""
    return spec.images == "offline"


def container_name(environment: str, service: str) -> str:
    return f"datastack-{environment}-{service.replace('_', '-')}"


def network_name(environment: str) -> str:
    return f"datastack-{environment}"


def volume_name(environment: str, service: str) -> str:
    return f"datastack-{environment}-{service.replace('_', '-')}-data"


def dns_alias(service: str) -> str:
    return service


def container_endpoints(spec: EnvironmentSpec) -> Endpoints:
    """The internal endpoints of this spec's containers (what mongo-express and the apps connect to)."""
    mongo = spec.services.mongodb
    single = True
    hosts: list[str] = []
    if mongo:
        names = mongo_member_names(spec, mongo_uses_standin(spec))
        hosts = [f"{n}:{CONTAINER_PORTS['mongodb']}" for n in names]
        single = len(names) == 1 and mongo.topology == "standalone" or mongo_uses_standin(spec)
    return internal_endpoints(spec, mongo_hosts=hosts, single_mongo=single)


def listen_address_inside(role: str) -> tuple[str, int]:
    """Where a server listens inside its container (checks over docker:// compare against this, not the
    published 127.0.0.1 port of the plan)."""
    return "0.0.0.0", CONTAINER_PORTS[role]
