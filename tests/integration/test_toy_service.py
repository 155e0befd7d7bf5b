"""A sixth service through the registry alone: tests/support/toy_cache (a second Redis for caching) is registered,
then planned, started by the local engine (which runs its reconciler after start), migrated and checked —
without any edit to the generic pipeline."""

from __future__ import annotations

import pytest

from roles.registry import register, unregister
from tests.support import toy_cache
from tests.support.environments import free_port_block, reachable_tmpdir

pytestmark = pytest.mark.integration


@pytest.fixture
def cache_registered():
    register(toy_cache.SERVICE)
    try:
        yield toy_cache.SERVICE
    finally:
        unregister(toy_cache.SERVICE.name)


def test_toy_cache_is_planned_started_migrated_and_checked(cache_registered):
    from datastack.credentials import service_uri
    from datastack.engines.local import LocalEngine
    from datastack.engines.local.runtime import runtime_python
    from datastack.migrate.report import MigrateOptions
    from datastack.migrate.stores import migrate_all
    from datastack.paths import state_root
    from datastack.plan import build_plan
    from datastack.plan.addresses import planned_endpoints
    from datastack.plan.toolchain import detect_toolchain
    from datastack.spec import EnvironmentSpec, SecretStore

    root = reachable_tmpdir("datastack-toy-")
    spec = EnvironmentSpec.model_validate({
        "name": "local", "state_dir": str(root / "state"),
        "services": {"cache": {"port": free_port_block(1), "users": [{"name": "web", "keys": ["page:*"]}]}},
    })
    from datastack.state_dir import claim

    claim(root / "state", spec)  # what `datastack up` does before writing anything under it
    secrets = SecretStore(spec, root / "state", "toy.yaml").resolve_all(generate=True)
    assert set(secrets) == {"cache.admin", "cache.web"}
    plan = build_plan(spec, detect_toolchain(python=runtime_python(state_root())), secrets, root / "state")
    assert [(s.name, s.role) for s in plan.services] == [("cache", "cache")]

    engine = LocalEngine(spec, plan, secrets)
    endpoints = planned_endpoints(spec, "local", stand_in=False)
    try:
        assert engine.up(endpoints) == {"cache": "started"}
        # The engine ran the toy's reconciler after start: its user already works.
        assert toy_cache.check_cache(spec, secrets) == []
        # migrate iterates the registry: the cache is a store like the others, already in sync.
        reports = migrate_all(spec, endpoints, secrets, MigrateOptions())
        assert [(r.store, r.applied) for r in reports] == [("cache", [])]
        assert service_uri("cache", spec, endpoints, secrets, "web").startswith("redis://web:")
        assert engine.up(endpoints) == {"cache": "unchanged"}
        assert [s.state for s in engine.status()] == ["running"]
    finally:
        engine.down(purge=True)


def test_unregistered_section_is_refused_with_the_known_services():
    from pydantic import ValidationError

    from datastack.spec import EnvironmentSpec

    with pytest.raises(ValidationError, match="unknown service 'cache'; fix: use one of: apps, mongo_express, mongodb"):
        EnvironmentSpec.model_validate({"name": "local", "services": {"cache": {"port": 30000}}})


def test_toy_cache_through_the_real_cli(cache_registered):
    """The toy named in DATASTACK_SERVICES is a service to every command: plan, up, migrate and check — whose own
    checks (toy_cache/checks/) pass, fail once its user drifts, and pass again after migrate."""
    import json
    import os
    import subprocess
    import sys

    import redis
    import yaml

    from datastack.paths import PROJECT_ROOT

    root = reachable_tmpdir("datastack-toy-cli-")
    port = free_port_block(1)
    spec_path = root / "local.yaml"
    spec_path.write_text(yaml.safe_dump({"name": "local", "state_dir": str(root / "state"), "services": {
        "cache": {"port": port, "users": [{"name": "web", "keys": ["page:*"]}]}}}))
    env = {**os.environ, "DATASTACK_SERVICES": "tests.support.toy_cache", "PYTHONPATH": str(PROJECT_ROOT)}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "datastack.cli", *args, "--spec", str(spec_path)],
                              capture_output=True, text=True, timeout=180, env=env)

    def cache_checks() -> tuple[int, list[dict]]:
        done = cli("check", "--json", str(root / "check.json"))
        found = json.loads((root / "check.json").read_text())["checks"]
        return done.returncode, [c for c in found if c["service"] == "cache"]

    try:
        planned = cli("plan", "--json")
        assert planned.returncode == 0, planned.stderr
        assert [s["role"] for s in json.loads(planned.stdout)["services"]] == ["cache"]
        up = cli("up")
        assert up.returncode == 0, up.stdout + up.stderr
        migrated = cli("migrate")
        assert migrated.returncode == 0, migrated.stdout + migrated.stderr

        code, checks = cache_checks()
        assert code == 0 and [(c["category"], c["outcome"]) for c in checks] == [("users", "passed")], checks

        # Drift: the web user's password changed behind datastack's back.
        from datastack.session import Session

        secrets = Session.open(None, spec_path).secrets()  # in this process the fixture registered the cache
        admin = redis.Redis(host="127.0.0.1", port=port, username="admin", password=secrets["cache.admin"])
        try:
            admin.execute_command("ACL", "SETUSER", "web", "resetpass", ">drifted-password")
        finally:
            admin.close()
        code, checks = cache_checks()
        assert code == 1 and [c["outcome"] for c in checks] == ["failed"], checks
        assert "datastack migrate" in checks[0]["message"]

        assert cli("migrate").returncode == 0
        code, checks = cache_checks()
        assert code == 0 and [c["outcome"] for c in checks] == ["passed"], checks
    finally:
        cli("down", "--purge")
        import shutil

        shutil.rmtree(root, ignore_errors=True)
