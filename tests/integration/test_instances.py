"""Several instances of a store on the local engine: a Redis cache (allkeys-lru) and a Redis queue (noeviction),
two PostgreSQL clusters. Each is its own server with its own config and users; `up`, `migrate`, `check`, `uri`
and `migrate --store` address each by name; a drift in one instance fails `check` naming it; `down --purge`
removes every one. Every server serves TLS only (`tls: {}`): each instance has its own certificate."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import psycopg
import pytest
import redis
import yaml

from datastack.paths import PROJECT_ROOT
from tests.support.environments import ThrowawayEnvironment, port_free, reachable_tmpdir

pytestmark = pytest.mark.integration

PORT_RANGE = range(33000, 34000)  # this test's own range: parallel runs of other suites use other ports
QUEUE_POLICY, CACHE_POLICY = "noeviction", "allkeys-lru"


def reader(name: str) -> dict:
    return {"name": name, "access": "readonly", "commands": ["+@read", "-@dangerous", "+ping", "+info"]}


def four_free_ports() -> list[int]:
    for base in range(PORT_RANGE.start, PORT_RANGE.stop - 4, 7):
        if all(port_free(base + i) for i in range(4)):
            return [base + i for i in range(4)]
    raise RuntimeError("no four free ports in 33000-33999")


def instances_spec(state: Path) -> dict:
    pg, pg_reports, cache, queue = four_free_ports()
    return {
        "name": "instances",
        "state_dir": str(state),
        "services": {
            "postgres": {"port": pg, "tls": {}, "databases": {"shop": {"users": [{"name": "shop_app", "access": "app"}]}}},
            "postgres-reports": {"instance_of": "postgres", "port": pg_reports, "tls": {}, "databases": {
                "reports": {"users": [{"name": "analyst", "access": "readonly"}]},
                # Alembic in the instance: migrate takes it to head there, check compares it there.
                "trading_service": {"alembic": str(PROJECT_ROOT / "migrations/postgres/trading_service"),
                                    "users": [{"name": "trading_service_owner", "access": "owner"},
                                              {"name": "trading_service_app", "access": "app"}]}}},
            "redis": {"port": cache, "maxmemory_policy": CACHE_POLICY, "tls": {},
                      "users": [{"name": "cache_app"}, reader("cache_reader")]},
            "redis-queue": {"instance_of": "redis", "port": queue, "maxmemory_policy": QUEUE_POLICY, "tls": {},
                            "persistence": {"aof": True},
                            "users": [{"name": "worker", "keys": ["jobs:*"]}, reader("queue_reader")]},
        },
    }


@pytest.fixture(scope="module")
def env():
    root = reachable_tmpdir("datastack-instances-")
    spec_path = root / "instances.yaml"
    spec_path.write_text(yaml.safe_dump(instances_spec(root / "state"), sort_keys=False))
    environment = ThrowawayEnvironment(root=root, spec_path=spec_path)
    try:
        environment.cli("up")
        environment.cli("migrate")
        yield environment
    finally:
        environment.destroy()


def cli_uri(env, store: str, user: str | None = None) -> str:
    """What `datastack uri` prints, used as it is."""
    return env.cli("uri", store, *(["--as", user] if user else [])).stdout.strip()


def redis_client(uri: str) -> redis.Redis:
    return redis.Redis.from_url(uri, decode_responses=True, socket_timeout=5)


def test_up_migrate_check_pass_with_every_instance(env):
    done = env.cli("check", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"redis-queue\s+│\s+users\s+│\s+[1-9]", done.stdout), "the report counts the instance's checks"
    assert re.search(r"postgres-reports\s+│\s+structure\s+│\s+[1-9]", done.stdout), "Alembic head compared there"
    read_only = env.cli("check", "--read-only", check=False)  # each instance's readonly users suffice
    assert read_only.returncode == 0, read_only.stdout + read_only.stderr


def test_each_redis_has_its_own_config(env):
    cache, queue = redis_client(cli_uri(env, "redis")), redis_client(cli_uri(env, "redis-queue"))
    assert cache.config_get("maxmemory-policy")["maxmemory-policy"] == CACHE_POLICY
    assert queue.config_get("maxmemory-policy")["maxmemory-policy"] == QUEUE_POLICY
    assert (cache.config_get("appendonly")["appendonly"], queue.config_get("appendonly")["appendonly"]) == ("no", "yes")
    assert cache.connection_pool.connection_kwargs["port"] != queue.connection_pool.connection_kwargs["port"]


def test_each_instance_serves_tls_with_its_own_certificate(env):
    tls = Path(env.spec.state_dir) / "tls"
    assert {"redis-queue.crt", "postgres-reports.crt", "redis.crt", "postgres.crt"} <= {p.name for p in tls.iterdir()}
    queue_uri = cli_uri(env, "redis-queue", "worker")
    assert queue_uri.startswith("rediss://") and "ssl_ca_certs=" in queue_uri
    port = env.spec.instance_view("redis-queue").services.redis.port
    with pytest.raises(redis.exceptions.ConnectionError):  # no plaintext listener
        redis.Redis(port=port, socket_timeout=2).ping()
    without_ca = queue_uri.split("?", 1)[0]  # a client that does not trust the generated CA is refused
    with pytest.raises(redis.exceptions.ConnectionError):
        redis.Redis.from_url(without_ca, socket_timeout=2).ping()
    assert "sslrootcert=" in cli_uri(env, "postgres-reports")


def test_a_user_exists_only_in_its_own_instance(env):
    cache, queue = redis_client(cli_uri(env, "redis")), redis_client(cli_uri(env, "redis-queue"))
    assert queue.acl_getuser("worker") is not None and cache.acl_getuser("worker") is None
    assert cache.acl_getuser("cache_app") is not None and queue.acl_getuser("cache_app") is None
    worker = redis_client(cli_uri(env, "redis-queue", "worker"))  # the printed URI works with redis-py as it is
    assert worker.set("jobs:1", "x") and worker.get("jobs:1") == "x"
    with pytest.raises(redis.exceptions.NoPermissionError):
        worker.set("other:1", "x")  # its own key patterns
    assert env.cli("uri", "redis", "--as", "worker", check=False).returncode == 2


def test_each_postgres_cluster_has_its_own_roles(env):
    with psycopg.connect(cli_uri(env, "postgres-reports")) as reports, psycopg.connect(cli_uri(env, "postgres")) as main:
        roles = "SELECT rolname FROM pg_roles WHERE rolname IN ('shop_app', 'analyst') ORDER BY 1"
        assert [r for (r,) in reports.execute(roles)] == ["analyst"]
        assert [r for (r,) in main.execute(roles)] == ["shop_app"]
    psycopg.connect(cli_uri(env, "postgres-reports", "analyst")).close()
    with psycopg.connect(cli_uri(env, "postgres-reports", "trading_service_app")) as app:
        assert app.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0003_orders_metadata"
    with psycopg.connect(cli_uri(env, "postgres")) as main:
        assert main.execute("SELECT 1 FROM pg_database WHERE datname = 'trading_service'").fetchone() is None


def test_status_and_secrets_name_each_instance(env):
    services = {s["name"]: s for s in json.loads(env.cli("status", "--json").stdout)["services"]}
    assert {"postgres", "postgres-reports", "redis", "redis-queue"} <= set(services)
    assert all(services[n]["state"] == "running" for n in ("redis", "redis-queue", "postgres", "postgres-reports"))
    secrets = env.secrets()
    assert secrets["redis-queue.users.worker"] != secrets["redis.users.cache_app"]
    assert "redis-queue.admin" in secrets and secrets["redis-queue.admin"] != secrets["redis.admin"]


def test_rotating_an_instances_secrets_is_a_migrate_of_that_instance(env):
    rotated = {"redis-queue.users.worker": ("redis-queue", "worker"), "redis-queue.admin": ("redis-queue", None)}
    kept = ("redis", "cache_app")
    old = {key: cli_uri(env, *login) for key, login in rotated.items()}
    kept_uri = cli_uri(env, *kept)
    path = env.session.state_dir / "secrets.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **{key: secrets_token() for key in rotated}}))
    env.cli("migrate", "--store", "redis-queue")
    for key, login in rotated.items():
        new = cli_uri(env, *login)
        assert new != old[key] and logs_in(new) and not logs_in(old[key]), f"{key}: not rotated"
    assert cli_uri(env, *kept) == kept_uri and logs_in(kept_uri), "the cache's passwords are its own: unchanged"


def secrets_token() -> str:
    import secrets

    return secrets.token_hex(24)


def logs_in(uri: str) -> bool:
    try:
        return redis_client(uri).ping()
    except redis.AuthenticationError:
        return False


def test_drift_in_one_instance_fails_check_naming_it_and_migrate_store_repairs_it(env):
    queue_admin = redis_client(cli_uri(env, "redis-queue"))
    assert queue_admin.acl_deluser("worker") == 1
    done = env.cli("check", check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    failures = [line for line in done.stdout.splitlines() if "failed test_" in line]
    assert failures and all("redis-queue" in line for line in failures), failures
    assert any("worker" in line and "--store redis-queue" in line for line in failures), failures

    repaired = env.cli("migrate", "--store", "redis-queue", "--json")
    stores = {r["store"] for r in json.loads(repaired.stdout)["stores"]}
    assert stores == {"redis-queue"}, "only the named instance is migrated"
    assert queue_admin.acl_getuser("worker") is not None
    assert env.cli("check", check=False).returncode == 0


def test_down_purge_removes_every_instance(env):
    ports = [s.port for s in (env.spec.services.redis, env.spec.services.postgres)] + \
            [env.spec.instance_view(n).services.redis.port for n in ("redis-queue",)] + \
            [env.spec.instance_view(n).services.postgres.port for n in ("postgres-reports",)]
    state = Path(env.spec.state_dir)
    assert (state / "redis-queue" / "data").is_dir() and (state / "postgres-reports" / "data").is_dir()
    stopped = env.cli("down", "--purge").stdout
    assert all(name in stopped for name in ("redis-queue", "postgres-reports"))
    assert not state.exists() or not any(state.iterdir())
    for port in ports:
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still answers after down --purge"
