"""What this machine can run: binaries found on it and the users services run as.

Detected once per command (impure) and handed to the pure plan builder, so tests can build
plans for machines they are not running on.
"""

from __future__ import annotations

import getpass
import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from datastack.programs import system_program

# Debian packages that provide each binary, for "missing binary" errors.
PACKAGES = {
    "postgres": "postgresql",
    "initdb": "postgresql",
    "redis-server": "redis-server",
    "node": "nodejs",
    "mongod": "mongodb-org (from MongoDB's own repository)",
    "secantus": "pip install 'datastack[standin]' (SecantusDB)",
}

# When datastack runs as root, every service drops to its own system user.
ROOT_SERVICE_USERS = {"mongodb": "mongodb", "postgres": "postgres", "redis": "redis", "mongo_express": "datastack", "app": "datastack"}


@dataclass(frozen=True)
class Toolchain:
    python: str
    mongod: str | None = None
    secantus: bool = False
    postgres_bin: str | None = None
    redis_server: str | None = None
    node: str | None = None
    mongo_express_dir: str | None = None
    service_users: dict[str, str] = field(default_factory=dict)

    def user_for(self, role: str) -> str:
        return self.service_users.get(role, "datastack")


def detect_toolchain(postgres_version: str = "15", mongo_express_dir: Path | None = None, python: str | None = None) -> Toolchain:
    user = getpass.getuser()
    is_root = os.geteuid() == 0
    users = ROOT_SERVICE_USERS if is_root else {role: user for role in ROOT_SERVICE_USERS}
    return Toolchain(
        python=python or sys.executable,
        mongod=system_program("mongod"),
        secantus=importlib.util.find_spec("secantus") is not None,
        postgres_bin=find_postgres_bin(postgres_version),
        redis_server=system_program("redis-server"),
        node=system_program("node"),
        mongo_express_dir=str(mongo_express_dir) if mongo_express_dir and mongo_express_dir.exists() else None,
        service_users=dict(users),
    )


def find_postgres_bin(version: str) -> str | None:
    debian = Path(f"/usr/lib/postgresql/{version}/bin")
    if (debian / "postgres").exists():
        return str(debian)
    found = system_program("postgres")
    return str(Path(found).parent) if found else None
