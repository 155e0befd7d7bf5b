"""A real redis-server 7.0 for the Redis migrator's tests, one per test (they change ACL and config).

It starts the way a freshly provisioned server might look before migrate: an ACL file with the
admin user and the default user still open, and config that differs from the spec, so the
migrator has real work to do. Swap for the lead's `local_env` fixture when convenient.
"""

from __future__ import annotations

import hashlib
import secrets as token_source
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from datastack.endpoints import Endpoints, RedisEndpoint
from datastack.paths import environment_file
from datastack.spec.overlays import read_environment_document
from datastack.programs import system_program
from datastack.spec import EnvironmentSpec
from tests.support.environments import free_port_block, reachable_tmpdir

pytestmark = pytest.mark.integration


@dataclass
class RedisEnv:
    spec: EnvironmentSpec
    endpoints: Endpoints
    secrets: dict[str, str]
    root: Path

    def client(self, user: str | None = None, password: str | None = None, **kw) -> redis.Redis:
        if user is not None and password is None:
            password = self.secrets["redis.admin" if user == "admin" else f"redis.users.{user}"]
        ep = self.endpoints.redis
        return redis.Redis(host=ep.host, port=ep.port, username=user, password=password, decode_responses=True,
                           protocol=2, **kw)

    @property
    def acl_file(self) -> Path:
        return self.root / "users.acl"


def local_redis_spec(port: int, state_dir: Path | None = None) -> EnvironmentSpec:
    """The redis service of environments/local.yaml (its real users), on a free port."""
    data = read_environment_document(environment_file("local"))
    redis_spec = {**data["services"]["redis"], "port": port}
    # Its own state dir: the admin-login record of a test server stays out of .datastack/.
    state_dir = state_dir or Path(tempfile.mkdtemp(prefix="ds-redis-state-"))
    return EnvironmentSpec.model_validate({"name": "ci", "state_dir": str(state_dir), "services": {"redis": redis_spec}})


@contextmanager
def running_redis():
    """A fresh redis-server on a free port, as a RedisEnv; stopped and removed on exit."""
    binary = system_program("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    root = reachable_tmpdir("ds-redis-")
    server = env = None
    # A free port can be taken between the check and redis-server's bind (a client's ephemeral port in the
    # same range): a server that exits at once is started again on another port.
    for _attempt in range(3):
        port = free_port_block(1)
        spec = local_redis_spec(port, root / "state")
        secrets = {"redis.admin": token_source.token_urlsafe(18)}
        secrets.update({f"redis.users.{u.name}": token_source.token_urlsafe(18) for u in spec.services.redis.users})
        admin_hash = hashlib.sha256(secrets["redis.admin"].encode()).hexdigest()
        (root / "users.acl").write_text(f"user default on nopass ~* &* +@all\nuser admin on #{admin_hash} ~* &* +@all\n")
        (root / "redis.conf").write_text(
            f"bind 127.0.0.1\nport {port}\ndir {root}\naclfile {root / 'users.acl'}\nsave \"\"\n"
            "maxmemory 0\nmaxmemory-policy noeviction\nappendonly no\ndatabases 16\n")
        with open(root / "redis.log", "wb") as log:
            server = subprocess.Popen([binary, str(root / "redis.conf")], stdout=log, stderr=subprocess.STDOUT)
        env = RedisEnv(spec, Endpoints(environment="ci", engine="local", redis=RedisEndpoint(host="127.0.0.1", port=port)),
                       secrets, root)
        if _answers(env, server):
            break
        server.kill()
        server.wait(20)
    try:
        assert server.poll() is None, f"redis-server did not start: {(root / 'redis.log').read_text()[-500:]}"
        yield env
    finally:
        server.terminate()
        server.wait(20)
        shutil.rmtree(root, ignore_errors=True)


def _answers(env, server, timeout: float = 20) -> bool:
    """True once the admin's PING answers; False if the server exited first."""
    deadline = time.monotonic() + timeout
    while server.poll() is None and time.monotonic() < deadline:
        try:
            env.client("admin").ping()
            return True
        except redis.ConnectionError:
            time.sleep(0.05)
    return False


@pytest.fixture
def redis_env():
    with running_redis() as env:
        yield env
