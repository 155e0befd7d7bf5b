"""A real PostgreSQL 15 for the migrator's tests, prepared the way the spine's local engine leaves it.

One cluster per session (scram-sha-256, superuser password, free port, sockets in its tmp dir);
each test gets fresh databases and roles via `pg_env` so tests never see each other's state.
Swap for the lead's `local_env` fixture once it is the common way up.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets as token_source
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from datastack.endpoints import Endpoints, PostgresEndpoint
from datastack.migrate.report import MigrateOptions
from datastack.spec import EnvironmentSpec
from tests.support.environments import free_port_block, reachable_tmpdir

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REPO = Path(__file__).resolve().parents[3]
MIGRATIONS = REPO / "migrations" / "postgres"
RUNNER = Path(__file__).with_name("run_migrator.py")
pytestmark = pytest.mark.integration


@dataclass
class PostgresServer:
    port: int
    password: str
    root: Path

    def connect(self, dbname: str = "postgres", user: str = "postgres", password: str | None = None, **kw):
        return psycopg.connect(host="127.0.0.1", port=self.port, dbname=dbname, user=user,
                               password=password or self.password, autocommit=True, **kw)


def _as_postgres(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, text=True, **kw)


@pytest.fixture(scope="session")
def pg_server():
    if not (PG_BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 binaries are not installed")
    root = reachable_tmpdir("ds-pg-")
    password = token_source.token_urlsafe(18)
    (root / "pw").write_text(password)
    shutil.chown(root, "postgres", "postgres")
    shutil.chown(root / "pw", "postgres", "postgres")
    data, port = root / "data", free_port_block(1)
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "--username=postgres", f"--pwfile={root / 'pw'}",
                 "--auth=scram-sha-256", "--encoding=UTF8", "--no-instructions")
    # client_connection_check_interval: a SIGKILLed migrator's backend notices and rolls back promptly.
    server = subprocess.Popen(
        ["runuser", "-u", "postgres", "--", str(PG_BIN / "postgres"), "-D", str(data), "-p", str(port),
         "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={root}",
         "-c", "client_connection_check_interval=200ms", "-c", "fsync=off"],
        stdout=subprocess.DEVNULL, stderr=open(root / "postgres.log", "w"))
    pg = PostgresServer(port, password, root)
    deadline = time.monotonic() + 30
    while True:
        try:
            pg.connect().close()
            break
        except psycopg.OperationalError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError((root / "postgres.log").read_text()[-2000:])
            time.sleep(0.1)
    try:
        yield pg
    finally:
        # runuser does not forward signals: ask pg_ctl for a fast shutdown.
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "stop", "-D", str(data), "-m", "fast"],
                       capture_output=True, timeout=60)
        server.wait(30)
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class PgEnv:
    spec: EnvironmentSpec
    endpoints: Endpoints
    secrets: dict[str, str]
    server: PostgresServer
    algo: str
    service: str

    def connect(self, database: str, role: str | None = None):
        if role is None:
            return self.server.connect(database)
        return self.server.connect(database, role, self.secrets[f"postgres.{database}.{role}"])

    def run_migrator_process(self, *args: str, lock_timeout_s: float = 60, env: dict[str, str] | None = None) -> subprocess.Popen:
        """The migrator in its own process (to kill it, or run two at once); prints JSON reports."""
        job = self.server.root.parent / f"{self.algo}-job-{token_source.token_hex(4)}.json"
        fd = os.open(job, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump({"spec": self.spec.model_dump(mode="json"), "endpoints": self.endpoints.model_dump(mode="json"),
                       "secrets": self.secrets, "lock_timeout_s": lock_timeout_s}, fh)
        return subprocess.Popen([sys.executable, str(RUNNER), str(job), *args], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})


_counter = itertools.count()


def spine_bootstrap(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str]) -> None:
    """What every engine does once PostgreSQL is up: the reconciler's logins (roles, databases, CONNECT)."""
    from roles.postgres.reconcile import reconcile_postgres_logins

    reconcile_postgres_logins(spec, endpoints, secrets, MigrateOptions())


def make_env(server: PostgresServer, *, algo_dir: Path | None = None, bootstrap: bool = True,
             extensions: tuple[str, ...] = ()) -> PgEnv:
    n = f"{os.getpid()}_{next(_counter)}"
    algo, service = f"algo_trading_{n}", f"trading_service_{n}"

    def database(name: str, script_dir: Path) -> dict:
        return {"alembic": str(script_dir), "extensions": list(extensions),
                "users": [{"name": f"{name}_owner", "access": "owner"}, {"name": f"{name}_app", "access": "app"},
                          {"name": f"{name}_readonly", "access": "readonly"}]}

    spec = EnvironmentSpec.model_validate({
        "name": "ci",
        "state_dir": tempfile.mkdtemp(prefix="ds-pg-state-"),  # the admin-login record stays out of .datastack/
        "services": {"postgres": {
            "port": server.port,
            "superuser": {"name": "postgres", "password": "${env:UNUSED_IN_TESTS}"},
            "databases": {algo: database(algo, algo_dir or MIGRATIONS / "algo_trading"),
                          service: database(service, MIGRATIONS / "trading_service")},
        }},
    })
    secrets = {"postgres.superuser": server.password}
    for db_name, db in spec.services.postgres.databases.items():
        for user in db.users:
            secrets[f"postgres.{db_name}.{user.name}"] = token_source.token_urlsafe(18)
    endpoints = Endpoints(environment="ci", engine="local", postgres=PostgresEndpoint(host="127.0.0.1", port=server.port))
    if bootstrap:
        spine_bootstrap(spec, endpoints, secrets)
    return PgEnv(spec, endpoints, secrets, server, algo, service)


@pytest.fixture
def pg_env(pg_server) -> PgEnv:
    return make_env(pg_server)


@pytest.fixture
def gated_algo_dir(tmp_path_factory) -> Path:
    """A copy of algo_trading's scripts with a test-only revision after 0001 that blocks on advisory
    lock GATE_KEY until the test releases it: the migrator can be caught mid-upgrade, on purpose."""
    target = reachable_tmpdir("ds-gated-") / "algo_trading"
    shutil.copytree(MIGRATIONS / "algo_trading", target, ignore=shutil.ignore_patterns("__pycache__"))
    second = target / "versions" / "0002_orders_trades_positions.py"
    second.write_text(second.read_text().replace('down_revision = "0001_users_strategies"',
                                                 'down_revision = "0001a_test_gate"'))
    (target / "versions" / "0001a_test_gate.py").write_text(GATE_REVISION)
    yield target
    shutil.rmtree(target.parent, ignore_errors=True)


GATE_KEY = 4242
GATE_REVISION = f'''"""Test-only: create a marker table, then wait for the test's advisory lock {GATE_KEY}."""
from alembic import op
import sqlalchemy as sa

revision = "0001a_test_gate"
down_revision = "0001_users_strategies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("gate_marker", sa.Column("id", sa.Integer(), primary_key=True))
    op.execute("SELECT pg_advisory_xact_lock({GATE_KEY})")


def downgrade() -> None:
    op.drop_table("gate_marker")
'''
