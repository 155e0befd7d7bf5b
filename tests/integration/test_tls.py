"""TLS on all three stores and on a second Redis instance, local engine, real servers: up, migrate and check pass
over TLS; `uri` works unchanged with pymongo, psycopg and redis-py; a client without the CA and a plaintext client
are refused; a certificate
close to its end fails `check`, naming the server and the days left."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from datastack.tls import (certificate_pem, issue_ca_certificate, issue_server_certificate, new_private_key,
                           private_key_pem)
from tests.support.environments import free_port_block, reachable_tmpdir, throwaway_spec

pytestmark = pytest.mark.integration

STORES = ("mongodb", "postgres", "redis")
QUEUE = "redis-queue"  # a second Redis server (an instance), TLS like the rest
SERVERS = (*STORES, QUEUE)
PORT_RANGE = (32000, 32999)  # this suite's own range: parallel suites on the machine use others


def free_port(size: int = 1) -> int:
    return free_port_block(size, within=PORT_RANGE)


def with_tls(data: dict) -> None:
    services = data["services"]
    services.pop("mongo_express", None)  # needs node to build; it reaches MongoDB like any client
    for store in STORES:
        services[store]["port"] = free_port(services[store].get("members", 1))  # MongoDB members: consecutive ports
        services[store]["tls"] = {}
    services[QUEUE] = {"instance_of": "redis", "port": free_port(), "tls": {}, "maxmemory_policy": "noeviction",
                       "users": [{"name": "worker", "keys": ["jobs:*"]}]}
    for app in services.get("apps", []):
        app["port"] = free_port()


class Env:
    def __init__(self, root: Path):
        self.root = root
        self.spec_path = root / "tls.yaml"
        self.document = throwaway_spec(root, mutate=with_tls)
        self.write()

    def write(self) -> None:
        self.spec_path.write_text(yaml.safe_dump(self.document, sort_keys=False))

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "datastack.cli", *args, "--spec", str(self.spec_path)],
                              capture_output=True, text=True, timeout=300, cwd="/")
        if check and done.returncode != 0:
            raise AssertionError(f"datastack {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    def uri(self, store: str) -> str:
        return self.cli("uri", store).stdout.strip()

    def port(self, store: str) -> int:
        return self.document["services"][store]["port"]

    @property
    def ca_file(self) -> Path:
        return Path(self.document["state_dir"]) / "tls" / "ca.crt"


@pytest.fixture(scope="module")
def env():
    root = reachable_tmpdir("ds-tls-")
    environment = Env(root)
    try:
        environment.cli("up")
        yield environment
    finally:
        environment.cli("down", "--purge", check=False)
        shutil.rmtree(root, ignore_errors=True)


def test_up_migrate_check_pass_over_tls_and_a_second_up_changes_nothing(env):
    env.cli("migrate")
    report = env.root / "check.json"
    done = env.cli("check", "--json", str(report))
    assert "all checks passed" in done.stdout
    results = json.loads(report.read_text())
    tls_checks = [c for c in results["checks"] if c["category"] == "tls"]
    assert sorted(c["service"] for c in tls_checks) == sorted(SERVERS)
    assert all(c["outcome"] == "passed" for c in tls_checks), tls_checks
    again = env.cli("up")
    assert again.stdout.count("unchanged") == len(env.document["services"]["apps"]) + len(SERVERS), again.stdout


def test_private_keys_are_0600_and_owned_by_who_reads_them(env):
    import os
    import pwd
    import stat

    state = Path(env.document["state_dir"])
    owners = {"mongodb": "mongodb", "postgres": "postgres", "redis": "redis", QUEUE: "redis"}
    for store, user in owners.items():
        st = os.lstat(state / store / "conf" / "tls-server.key")
        assert stat.S_IMODE(st.st_mode) == 0o600 and pwd.getpwuid(st.st_uid).pw_name == user, store
    st = os.lstat(state / "tls" / "ca.key")
    assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == 0, "the CA key is root's alone"


def assert_drivers_accept(mongo_uri: str, pg_uri: str, redis_uri: str) -> None:
    """Each driver takes `datastack uri` output as it is, over TLS."""
    import psycopg
    import pymongo
    import redis

    assert "tls=true" in mongo_uri and "sslmode=verify-full" in pg_uri and redis_uri.startswith("rediss://")
    with pymongo.MongoClient(mongo_uri) as client:
        assert client.admin.command("ping")["ok"] == 1
    with psycopg.connect(pg_uri) as conn:
        assert conn.execute("SHOW ssl").fetchone()[0] == "on"
        assert conn.pgconn.ssl_in_use
    client = redis.Redis.from_url(redis_uri)
    try:
        assert client.ping() is True
    finally:
        client.close()


def test_uri_output_works_unchanged_with_each_driver(env):
    assert_drivers_accept(*(env.uri(s) for s in STORES))


def test_a_client_that_verifies_without_the_ca_is_refused(env):
    import psycopg
    import pymongo
    from pymongo.errors import ServerSelectionTimeoutError

    mongo_uri, pg_uri, redis_uri = (env.uri(s) for s in STORES)
    without_ca = mongo_uri.replace(f"&tlsCAFile={env.ca_file}", "") + ""
    with pytest.raises(ServerSelectionTimeoutError, match="(?i)certificate verify failed"):
        with pymongo.MongoClient(without_ca, serverSelectionTimeoutMS=2000) as client:
            client.admin.command("ping")
    with pytest.raises(psycopg.OperationalError, match="(?i)certificate verify failed"):
        psycopg.connect(pg_uri.replace(f"sslrootcert={env.ca_file}", "sslrootcert=system")).close()
    assert_redis_refuses(redis_uri.split("?")[0], match="(?i)certificate verify failed")


def assert_redis_refuses(uri: str, match: str | None = None) -> None:
    """redis-py, given `uri` as it is, cannot talk to the server (`match`: the reason it names)."""
    import redis

    client = redis.Redis.from_url(uri, socket_connect_timeout=3, socket_timeout=3)
    try:
        with pytest.raises(redis.ConnectionError, match=match):
            client.ping()
    finally:
        client.close()


def assert_plaintext_refused(mongo_uri: str, pg_uri: str, redis_uri: str) -> None:
    """The same URIs without TLS: every server refuses them."""
    import psycopg
    import pymongo
    from pymongo.errors import ServerSelectionTimeoutError

    plain_mongo = mongo_uri.split("?")[0] + "?directConnection=true"
    with pytest.raises(ServerSelectionTimeoutError):
        with pymongo.MongoClient(plain_mongo, serverSelectionTimeoutMS=2000) as client:
            client.admin.command("ping")
    with pytest.raises(psycopg.OperationalError, match="no encryption"):  # pg_hba: hostssl lines only
        psycopg.connect(pg_uri.split("&sslmode")[0] + "&sslmode=disable").close()
    assert_redis_refuses(redis_uri.replace("rediss://", "redis://").split("?")[0])


def test_a_plaintext_client_is_refused(env):
    assert_plaintext_refused(*(env.uri(s) for s in STORES))


def test_the_second_redis_instance_serves_tls_only_with_its_own_config(env):
    """`uri redis-queue` works as it is with redis-py; that server is not the first one (its own policy and user);
    without the CA, or in plaintext, it refuses."""
    import redis

    admin_uri = env.uri(QUEUE)
    worker_uri = env.cli("uri", QUEUE, "--as", "worker").stdout.strip()
    assert admin_uri.startswith("rediss://") and f":{env.port(QUEUE)}/" in admin_uri
    admin = redis.Redis.from_url(admin_uri, decode_responses=True)
    worker = redis.Redis.from_url(worker_uri, decode_responses=True)
    try:
        assert admin.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
        assert "worker" in admin.acl_users()
        assert worker.set("jobs:1", "x") and worker.get("jobs:1") == "x"
    finally:
        admin.close()
        worker.close()
    first = redis.Redis.from_url(env.uri("redis"), decode_responses=True)
    try:
        assert "worker" not in first.acl_users(), "the instance's user lives in its own server only"
    finally:
        first.close()
    assert_redis_refuses(admin_uri.split("?")[0], match="(?i)certificate verify failed")  # without the CA
    assert_redis_refuses(admin_uri.replace("rediss://", "redis://").split("?")[0])  # in plaintext


def test_a_certificate_close_to_its_end_fails_check_naming_server_and_days(env):
    """Last in the module: Redis is given a 5-day certificate from files, then put back to generated ones."""
    ca_key, key = new_private_key(), new_private_key()
    ca = issue_ca_certificate("short", ca_key)
    cert = issue_server_certificate("redis", ["127.0.0.1", "localhost", "::1"], key, ca, ca_key, valid=timedelta(days=5))
    files = {"ca_file": ("short-ca.crt", certificate_pem(ca)), "cert_file": ("short.crt", certificate_pem(cert)),
             "key_file": ("short.key", private_key_pem(key))}
    for name, text in files.values():
        (env.root / name).write_text(text)
    env.document["services"]["redis"]["tls"] = {field: name for field, (name, _) in files.items()}
    env.write()
    try:
        assert "redis            restarted" in env.cli("up").stdout
        done = env.cli("check", check=False)
        assert done.returncode == 1
        port = env.port("redis")
        assert f"redis at 127.0.0.1:{port} presents a certificate that expires in 4.9 days" in done.stdout + done.stderr \
            or f"redis at 127.0.0.1:{port} presents a certificate that expires in 5.0 days" in done.stdout + done.stderr
        assert "tls_expiry_days=14" in done.stdout + done.stderr
        # The same certificate passes a budget it outlasts.
        env.document["checks"] = {**env.document.get("checks", {}), "tls_expiry_days": 3}
        env.write()
        assert "all checks passed" in env.cli("check").stdout
    finally:
        env.document["services"]["redis"]["tls"] = {}
        env.document.get("checks", {}).pop("tls_expiry_days", None)
        env.write()
        env.cli("up")


def test_an_external_store_is_verified_against_its_ca_file(env):
    """PostgreSQL and Redis of the running environment, declared external by another spec with `tls: {ca_file}`:
    migrate and check pass over TLS, and `uri` carries the CA; nothing of the first environment is touched."""
    import psycopg
    import redis

    secrets = json.loads((Path(env.document["state_dir"]) / "secrets.json").read_text())
    secret_dir = env.root / "external-secrets"
    for secret_id, value in secrets.items():
        path = secret_dir / secret_id.replace(".", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value)
    from roles.postgres.spec import PostgresSpec
    from roles.redis.spec import RedisSpec

    services = {}
    for store, model in (("postgres", PostgresSpec), ("redis", RedisSpec)):
        server_only = {*model.provisioned_fields, "tls"}
        section = {k: v for k, v in env.document["services"][store].items() if k not in server_only}
        section["external"] = {"host": "127.0.0.1", "port": env.port(store)}
        section["tls"] = {"ca_file": str(env.ca_file)}
        services[store] = section
    external = {"name": "tls-external", "tier": "shared", "state_dir": str(env.root / "external-state"),
                "secrets": {"default": f"${{file:{secret_dir}/{{path}}}}"}, "services": services}
    spec_path = env.root / "external.yaml"
    spec_path.write_text(yaml.safe_dump(external, sort_keys=False))

    def cli(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "datastack.cli", *args, "--spec", str(spec_path)],
                              capture_output=True, text=True, timeout=300, cwd="/")
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    cli("migrate")
    assert "all checks passed" in cli("check").stdout
    pg_uri, redis_uri = cli("uri", "postgres").stdout.strip(), cli("uri", "redis").stdout.strip()
    assert f"sslrootcert={env.ca_file}" in pg_uri and redis_uri.startswith("rediss://")
    with psycopg.connect(pg_uri) as conn:
        assert conn.pgconn.ssl_in_use
    client = redis.Redis.from_url(redis_uri)
    try:
        assert client.ping() is True
    finally:
        client.close()
