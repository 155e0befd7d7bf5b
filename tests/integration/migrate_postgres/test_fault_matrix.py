"""The PostgreSQL fault matrix: SIGKILL at step boundaries (roles, databases, grants, each Alembic
revision before its commit) and at random moments, three migrators on a fresh cluster, the server killed
mid-migration. After each fault a re-run must leave the catalog equal, object by object, to a clean
migration (`catalog`)."""

from __future__ import annotations

import json
import random
import signal
import subprocess

import pytest

from roles.postgres.reconcile import migrate_postgres
from datastack.migrate.report import MigrateOptions

from .conftest import PG_BIN, PgEnv, make_env

pytestmark = pytest.mark.integration

BOUNDARY_KILL_POINTS = 18
RANDOM_KILLS = 3

# Per database: what the migration makes, in a form two environments can compare once names are neutral.
CATALOG_QUERIES = {
    "columns": "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns "
               "WHERE table_schema = 'public' ORDER BY 1, 2",
    "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
    "relation_acl": "SELECT relname, relkind, relacl::text FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                    "AND relkind IN ('r', 'S', 'v', 'm') ORDER BY 1",
    "default_acl": "SELECT pg_get_userbyid(defaclrole), defaclobjtype, defaclacl::text FROM pg_default_acl ORDER BY 1, 2",
    "schema_acl": "SELECT nspname, pg_get_userbyid(nspowner), nspacl::text FROM pg_namespace WHERE nspname = 'public'",
    "database": "SELECT pg_get_userbyid(datdba), datacl::text FROM pg_database WHERE datname = current_database()",
    "extensions": "SELECT extname FROM pg_extension ORDER BY 1",
    "revision": "SELECT version_num FROM alembic_version",
}
ROLES = ("SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolreplication, rolbypassrls, rolinherit "
         "FROM pg_roles WHERE rolname = ANY(%s) ORDER BY 1")


def catalog(env: PgEnv) -> dict:
    suffix = env.algo.removeprefix("algo_trading_")
    found: dict = {}
    for database in (env.algo, env.service):
        with env.connect(database) as conn:
            found[database] = {name: conn.execute(query).fetchall() for name, query in CATALOG_QUERIES.items()}
    roles = [u.name for db in env.spec.services.postgres.databases.values() for u in db.users]
    with env.connect("postgres") as conn:
        found["roles"] = conn.execute(ROLES, [roles]).fetchall()
    return json.loads(json.dumps(found, default=str).replace(suffix, "<n>"))


def migrate(env: PgEnv, **options) -> list:
    return migrate_postgres(env.spec, env.endpoints, env.secrets, MigrateOptions(**options))


@pytest.fixture(scope="module")
def clean_run(pg_server):
    """A clean migration of a fresh cluster (no roles, no databases) in its own process: (catalog, boundaries)."""
    env = make_env(pg_server, bootstrap=False)
    proc = env.run_migrator_process(env={"DATASTACK_KILL_AT_STEP": "0"})
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return catalog(env), int(err.rsplit("fault points passed:", 1)[1].split()[0])


def kill_points() -> list[str]:
    return [f"boundary-{i}" for i in range(BOUNDARY_KILL_POINTS)] + [f"random-{i}" for i in range(RANDOM_KILLS)]


@pytest.mark.parametrize("point", kill_points())
def test_killed_then_rerun_equals_a_clean_migration(pg_server, clean_run, point):
    reference, boundaries = clean_run
    env = make_env(pg_server, bootstrap=False)
    kind, index = point.rsplit("-", 1)
    if kind == "boundary":  # spread over the whole run, first and last boundary included
        kill_at = 1 + round(int(index) * (boundaries - 1) / (BOUNDARY_KILL_POINTS - 1))
        proc = env.run_migrator_process(env={"DATASTACK_KILL_AT_STEP": str(kill_at)})
        proc.communicate(timeout=120)
        assert proc.returncode == -signal.SIGKILL, f"kill point {kill_at} of {boundaries} was not reached"
    else:
        proc = env.run_migrator_process()
        try:
            proc.wait(random.Random(index).uniform(0.8, 2.5))
        except subprocess.TimeoutExpired:
            proc.kill()
        proc.communicate(timeout=60)
    migrate(env, lock_timeout_s=30)
    assert catalog(env) == reference
    assert all(not r.planned and not r.drift for r in migrate(env, dry_run=True))


def test_three_migrators_on_a_fresh_cluster_all_succeed(pg_server, clean_run):
    env = make_env(pg_server, bootstrap=False)
    procs = [env.run_migrator_process() for _ in range(3)]
    results = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err.strip().splitlines()[-1:] for _, err in results]
    assert catalog(env) == clean_run[0]
    upgrades = [sum(c["action"] == "alembic_upgrade" for r in json.loads(out) for c in r["applied"]) for out, _ in results]
    assert sorted(upgrades)[:2] == [0, 0]  # one migrator upgraded; the others found head under the lock


def test_server_killed_mid_migration_then_restarted_a_rerun_converges(pg_server, clean_run):
    env = make_env(pg_server, bootstrap=False)
    proc = env.run_migrator_process(env={"DATASTACK_KILL_AT_STEP": "0"})
    try:
        # Stop the server as soon as the migrator has made its first database: fast shutdown kills every backend.
        _wait_for_database(env, env.algo)
        _pg_ctl(pg_server, "stop", "-m", "immediate")
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 1 and "Traceback" not in err, err
    finally:
        _pg_ctl(pg_server, "start", "-w", "-o", _server_options(pg_server))
    migrate(env, lock_timeout_s=30)
    assert catalog(env) == clean_run[0]


def _wait_for_database(env: PgEnv, database: str) -> None:
    import time

    deadline = time.monotonic() + 60
    while True:
        with env.connect("postgres") as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
                return
        assert time.monotonic() < deadline, f"{database} was not created"
        time.sleep(0.01)


def _server_options(server) -> str:
    return (f"-p {server.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={server.root} "
            "-c client_connection_check_interval=200ms -c fsync=off")


def _pg_ctl(server, *args: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), *args, "-D", str(server.root / "data"),
                    "-l", str(server.root / "restarted.log")], check=True, capture_output=True, timeout=60)
