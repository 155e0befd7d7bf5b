"""An instance can be external too: a Redis queue that datastack does not run (started here, outside datastack) beside
a Redis cache it does. `up` leaves the queue alone, `migrate --store redis-queue` makes its users, `check` checks it
under its own name, `uri` reaches it, and `down --purge` never touches it."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import redis
import yaml

from tests.integration.test_instances import PORT_RANGE, reader
from tests.support.environments import ThrowawayEnvironment, port_free, reachable_tmpdir
from tests.support.external import file_reference

pytestmark = pytest.mark.integration

REDIS_SERVER = Path("/usr/bin/redis-server")
ADMIN_PASSWORD = "queue-admin-secret"


def two_free_ports() -> list[int]:
    return [p for p in reversed(PORT_RANGE) if port_free(p)][:2]  # from the top: the other test starts at the bottom


def start_outside_redis(directory: Path, port: int) -> subprocess.Popen:
    directory.mkdir()
    acl = directory / "users.acl"
    acl.write_text(f"user default off\nuser admin on >{ADMIN_PASSWORD} ~* &* +@all\n")
    acl.chmod(0o600)
    process = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--aclfile", str(acl),
                                "--dir", str(directory), "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    admin = redis.Redis(port=port, username="admin", password=ADMIN_PASSWORD, socket_connect_timeout=1)
    for _ in range(100):
        try:
            admin.ping()
            return process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.terminate()
    raise RuntimeError("the outside redis-server did not answer")


@pytest.fixture(scope="module")
def env():
    root = reachable_tmpdir("datastack-external-instance-")
    cache_port, queue_port = two_free_ports()
    outside = start_outside_redis(root / "outside", queue_port)
    secret = lambda name: file_reference(root, name, f"pw-{name}")  # noqa: E731
    spec = {"name": "external-instance", "state_dir": str(root / "state"), "services": {
        "redis": {"port": cache_port, "users": [{"name": "cache_app"}, reader("cache_reader")]},
        "redis-queue": {"instance_of": "redis", "external": {"host": "127.0.0.1", "port": queue_port},
                        "admin": {"name": "admin", "password": file_reference(root, "queue-admin", ADMIN_PASSWORD)},
                        "maxmemory_policy": "noeviction",
                        "users": [{"name": "worker", "password": secret("worker")},
                                  {**reader("queue_reader"), "password": secret("queue_reader")}]}}}
    (root / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    environment = ThrowawayEnvironment(root=root, spec_path=root / "spec.yaml")
    environment.outside_port = queue_port
    try:
        yield environment
    finally:
        stop_outside_redis(outside, queue_port)  # first: Redis will not exit while it cannot save into its directory
        environment.destroy()


def stop_outside_redis(process: subprocess.Popen, port: int) -> None:
    try:  # migrate gave it save rules: SHUTDOWN NOSAVE, so a slow or failing last save cannot keep it running
        redis.Redis(port=port, username="admin", password=ADMIN_PASSWORD, socket_timeout=5).shutdown(nosave=True)
    except redis.RedisError:
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def outside_admin(env) -> redis.Redis:
    return redis.Redis(port=env.outside_port, username="admin", password=ADMIN_PASSWORD, decode_responses=True)


def test_up_runs_only_the_cache_and_migrate_then_check_pass(env):
    up = env.cli("up")
    assert "redis-queue is external" in up.stdout and "redis-queue" not in {s.name for s in env.session.display_plan().services}
    assert not (Path(env.spec.state_dir) / "redis-queue").exists()
    migrated = env.cli("migrate", "--store", "redis-queue").stdout
    assert "redis-queue" in migrated and outside_admin(env).acl_getuser("worker") is not None
    env.cli("migrate")
    done = env.cli("check", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "redis-queue" in done.stdout


def test_uri_reaches_the_outside_server_as_the_declared_user(env):
    worker = redis.Redis.from_url(env.cli("uri", "redis-queue", "--as", "worker").stdout.strip(), decode_responses=True)
    assert worker.set("queue:1", "x") and outside_admin(env).get("queue:1") == "x"


def test_down_purge_never_touches_the_outside_server(env):
    env.cli("down", "--purge")
    assert outside_admin(env).ping()
