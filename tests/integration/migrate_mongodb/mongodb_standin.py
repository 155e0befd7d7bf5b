"""A throwaway SecantusDB stand-in with an administrator, and environment specs pointing at it.

Small on purpose: once the session fixture of tests/conftest.py brings environments up through
the local engine, `MongoStandIn` is the only thing to swap.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from datastack.endpoints import Endpoints, MongoEndpoint
from datastack.spec import EnvironmentSpec

ADMIN_PASSWORD = "admin-test-secret"
BOT_CORE_SCHEMA = Path(__file__).resolve().parents[3] / "migrations" / "mongodb" / "bot_core" / "schema.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MongoStandIn:
    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> "MongoStandIn":
        # No localhost exception: create the administrator without --auth, then restart with it.
        self._launch(auth=False)
        from pymongo import MongoClient

        client = MongoClient(f"mongodb://{self.host}/?directConnection=true", serverSelectionTimeoutMS=5000)
        try:
            client.admin.command("createUser", "admin", pwd=ADMIN_PASSWORD, roles=["root"])
        finally:
            client.close()
        self.stop()
        self._launch(auth=True)
        return self

    def _launch(self, *, auth: bool) -> None:
        # The stand-in of this interpreter's environment, by module: never a `secantusd-py` on PATH.
        args = [sys.executable, "-m", "secantus", "--host", "127.0.0.1", "--port", str(self.port), "--storage-path", str(self.directory / "data")]
        log = open(self.directory / "server.log", "ab")
        self.process = subprocess.Popen(args + (["--auth"] if auth else []), stdout=log, stderr=log)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the SecantusDB stand-in exited: {(self.directory / 'server.log').read_text()[-500:]}")
                time.sleep(0.05)
        raise RuntimeError("the SecantusDB stand-in did not listen within 15 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def admin_client(self):
        from pymongo import MongoClient

        return MongoClient(f"mongodb://admin:{ADMIN_PASSWORD}@{self.host}/?authSource=admin&directConnection=true",
                           serverSelectionTimeoutMS=5000)


def environment(port: int, database: str, schema: Path | None, users: list[dict] | None = None
                ) -> tuple[EnvironmentSpec, Endpoints, dict[str, str]]:
    """A `ci` environment with one MongoDB database on the stand-in, its endpoints and secrets."""
    users = users if users is not None else [
        {"name": f"{database}_admin", "access": "admin", "roles": ["dbOwner", "readWrite"]},
        {"name": f"{database}_app", "access": "app", "roles": ["readWrite"]},
        {"name": f"{database}_readonly", "access": "readonly", "roles": ["read"]},
    ]
    db: dict = {"users": users}
    if schema is not None:
        db["schema"] = str(schema)
    spec = EnvironmentSpec.model_validate({
        "name": "ci",
        "state_dir": tempfile.mkdtemp(prefix="ds-mongo-state-"),  # the admin-login record stays out of .datastack/
        "services": {"mongodb": {"topology": "standalone", "members": 1, "port": port, "databases": {database: db}}},
    })
    endpoints = Endpoints(environment="ci", engine="test", mongodb=MongoEndpoint(hosts=[f"127.0.0.1:{port}"], stand_in=True))
    secrets = {"mongodb.admin": ADMIN_PASSWORD}
    secrets.update({f"mongodb.{database}.{u['name']}": f"pw-{u['name']}-1" for u in users})
    return spec, endpoints, secrets


def python() -> str:
    return sys.executable
