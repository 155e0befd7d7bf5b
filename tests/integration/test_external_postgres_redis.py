"""An external PostgreSQL and an external Redis: servers started here from the system binaries, outside datastack,
each with its administrator already made (as a managed service hands it over), declared `external:` by host and port.

`up` leaves both alone, `migrate` creates the roles, Alembic schemas and ACL users, `check` passes with the host
checks skipped as external; a deleted ACL user and a dropped role fail `check` by name and `migrate` repairs them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from datastack.paths import environment_file
from datastack.spec.overlays import read_environment_document
from tests.support.environments import port_free, reachable_tmpdir
from tests.support.external import SpecCli, failed, file_reference

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = Path("/usr/bin/redis-server")
PORTS = range(31200, 31300)  # this suite's share of the helpers' range
ADMIN_PASSWORD = "external-admin-secret"

pytestmark = pytest.mark.skipif(not (PG_BIN / "initdb").exists() or not REDIS_SERVER.exists(),
                                reason="needs Debian's postgresql and redis-server packages")


def _free_ports(count: int) -> list[int]:
    return [p for p in PORTS if port_free(p)][:count]


class Servers:
    """PostgreSQL (as the postgres system user: it refuses root) and Redis, each with an administrator."""

    def __init__(self, root: Path):
        self.root = root
        self.pg_port, self.redis_port = _free_ports(2)
        self.pg_data = root / "pg-data"
        self.redis_process: subprocess.Popen | None = None

    def start(self) -> None:
        pwfile = self.root / "pg.pw"
        pwfile.write_text(ADMIN_PASSWORD)
        shutil.chown(pwfile, "postgres")
        pwfile.chmod(0o600)
        self.pg_data.mkdir(mode=0o700)
        shutil.chown(self.pg_data, "postgres")
        self._as_postgres(PG_BIN / "initdb", "-D", self.pg_data, "-U", "postgres", "--auth=scram-sha-256",
                          f"--pwfile={pwfile}")
        pwfile.unlink()
        self._as_postgres(PG_BIN / "pg_ctl", "-D", self.pg_data, "-l", self.pg_data / "server.log", "-w", "start", "-o",
                          f"-p {self.pg_port} -k {self.pg_data} -c listen_addresses=127.0.0.1")
        (self.root / "redis").mkdir()
        acl = self.root / "redis" / "users.acl"
        acl.write_text(f"user default off\nuser admin on >{ADMIN_PASSWORD} ~* &* +@all\n")
        acl.chmod(0o600)
        self.redis_process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--aclfile", acl,
             "--dir", self.root / "redis", "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_for_redis()

    def _as_postgres(self, *args) -> None:
        done = subprocess.run(["/usr/sbin/runuser", "-u", "postgres", "--", *map(str, args)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    def _wait_for_redis(self) -> None:
        import redis

        client = redis.Redis(port=self.redis_port, username="admin", password=ADMIN_PASSWORD,
                             socket_connect_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                import time

                time.sleep(0.05)
        raise RuntimeError("the external redis-server did not answer")

    def stop(self) -> None:
        if self.redis_process and self.redis_process.poll() is None:
            self.redis_process.terminate()
            self.redis_process.wait(timeout=10)
        if (self.pg_data / "postmaster.pid").exists():
            subprocess.run(["/usr/sbin/runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data),
                            "-m", "fast", "-w", "stop"], capture_output=True, timeout=60)

    def pg_admin(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.pg_port, user="postgres", password=ADMIN_PASSWORD,
                               dbname=database, autocommit=True)

    def redis_admin(self):
        import redis

        return redis.Redis(port=self.redis_port, username="admin", password=ADMIN_PASSWORD, decode_responses=True)

    @property
    def pg_running(self) -> bool:
        return (self.pg_data / "postmaster.pid").exists()


def _spec(root: Path, servers: Servers) -> dict:
    """local.yaml's PostgreSQL and Redis (databases, Alembic, users), declared external, passwords by reference."""
    local = read_environment_document(environment_file("local"))["services"]
    pg, rd = local["postgres"], local["redis"]
    for provisioned in ("port", "version", "bind", "settings"):
        pg.pop(provisioned, None)
    for provisioned in ("port", "version", "bind", "databases"):
        rd.pop(provisioned, None)
    pg["external"] = {"host": "127.0.0.1", "port": servers.pg_port}
    rd["external"] = {"host": "127.0.0.1", "port": servers.redis_port}
    pg["superuser"]["password"] = file_reference(root, "pg-admin", ADMIN_PASSWORD)
    rd["admin"]["password"] = file_reference(root, "redis-admin", ADMIN_PASSWORD)
    for db in pg["databases"].values():
        for user in db["users"]:
            user["password"] = file_reference(root, user["name"], f"pw-{user['name']}")
    for user in rd["users"]:
        user["password"] = file_reference(root, f"redis-{user['name']}", f"pw-{user['name']}")
    return {"name": "ext-stores", "state_dir": str(root / "state"), "services": {"postgres": pg, "redis": rd}}


class Environment(SpecCli):
    def __init__(self, root: Path, servers: Servers):
        super().__init__(root, root / "ext-stores.yaml")
        self.servers = servers
        self.spec_path.write_text(yaml.safe_dump(_spec(root, servers)))


@pytest.fixture(scope="module")
def external():
    root = reachable_tmpdir("datastack-external-stores-")
    servers = Servers(root)
    environment = Environment(root, servers)
    try:
        servers.start()
        yield environment
    finally:
        environment.purge()
        servers.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_up_leaves_both_alone_and_migrate_then_check_pass(external):
    redis_pid = external.servers.redis_process.pid
    up = external.cli("up")
    assert up.returncode == 0, up.stdout + up.stderr
    assert "postgres is external" in up.stdout and "redis is external" in up.stdout
    state = external.root / "state"
    assert not [p for p in state.rglob("*") if "postgres" in p.name or "redis" in p.name], list(state.rglob("*"))
    assert external.servers.redis_admin().acl_users() == ["admin", "default"]  # no logins before migrate

    migrate = external.cli("migrate")
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    with external.servers.pg_admin("algo_trading") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()
        assert conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'algo_trading_app'").fetchone()
    assert "trading_app" in external.servers.redis_admin().acl_users()

    code, report = external.check()
    assert code == 0 and not failed(report), failed(report)
    for service in ("postgres", "redis"):
        host_checks = [c for c in report["checks"] if c["service"] == service and c["id"].split("::")[-1].startswith(
            (f"test_{service}_runs_as", f"test_{service}_listens", f"test_{service}_config_files"))]
        assert len(host_checks) == 3 and all(c["outcome"] == "skipped" and "external" in c["message"]
                                             for c in host_checks), host_checks
        assert any(c["service"] == service and c["category"] == "latency" and c["outcome"] == "passed"
                   for c in report["checks"])
    assert external.servers.redis_process.pid == redis_pid and external.servers.redis_process.poll() is None


def test_drift_in_them_fails_check_by_name_and_migrate_repairs_it(external):
    external.servers.redis_admin().acl_deluser("rate_limiter")
    with external.servers.pg_admin() as conn:
        conn.execute("REVOKE CONNECT ON DATABASE trading_service FROM trading_service_readonly")
    code, report = external.check()
    messages = " ".join(failed(report).values())
    assert code == 1 and "rate_limiter" in messages and "trading_service_readonly" in messages, messages

    migrate = external.cli("migrate")
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    code, report = external.check()
    assert code == 0, failed(report)


def test_declared_by_uri_references_they_check_the_same(external):
    # Credentials in the referenced URIs are replaced by the sections' logins; their options are kept.
    by_uri = yaml.safe_load(external.spec_path.read_text())
    by_uri["state_dir"] = str(external.root / "state-by-uri")
    by_uri["services"]["postgres"]["external"] = {"uri": "${env:EXTERNAL_PG_URI}"}
    by_uri["services"]["redis"]["external"] = {"uri": "${file:" + str(external.root / "secrets" / "redis-uri") + "}"}
    spec = external.root / "by-uri.yaml"
    spec.write_text(yaml.safe_dump(by_uri))
    file_reference(external.root, "redis-uri", f"redis://someone:not-used@127.0.0.1:{external.servers.redis_port}/0")
    env = {"EXTERNAL_PG_URI": f"postgresql://someone:not-used@127.0.0.1:{external.servers.pg_port}/x"
                              "?application_name=external-test&sslmode=disable"}
    plan = external.cli("plan", spec=spec, env=env)
    assert plan.returncode == 0 and "not-used" not in plan.stdout, plan.stdout + plan.stderr
    assert str(external.servers.pg_port) not in plan.stdout and str(external.servers.redis_port) not in plan.stdout
    migrate = external.cli("migrate", "--json", spec=spec, env=env)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    assert json.loads(migrate.stdout)["totals"]["applied"] == 0  # the same servers, already at the spec
    out = external.root / "by-uri.json"
    done = external.cli("check", "--json", str(out), spec=spec, env=env)
    report = json.loads(out.read_text())
    assert done.returncode == 0, failed(report)
    assert "not-used" not in done.stdout + done.stderr + out.read_text()


def test_uri_and_down_purge(external):
    import psycopg
    import redis

    pg = external.cli("uri", "postgres", "--as", "algo_trading_app")
    assert pg.returncode == 0, pg.stderr
    with psycopg.connect(pg.stdout.strip()) as conn:
        assert conn.execute("SELECT current_user").fetchone()[0] == "algo_trading_app"
    rd = external.cli("uri", "redis", "--as", "monitoring")
    assert rd.returncode == 0, rd.stderr
    assert redis.Redis.from_url(rd.stdout.strip()).ping()

    down = external.cli("down", "--purge")
    assert down.returncode == 0, down.stdout + down.stderr
    assert external.servers.pg_running and external.servers.redis_process.poll() is None
    assert "trading_app" in external.servers.redis_admin().acl_users()
