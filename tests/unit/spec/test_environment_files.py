"""environments/ as overlays of one base: each environment's plan is what its hand-made copy planned
(`environments_before/`, the files as they were), every database now declares its migrations, and the secrets
of dev, staging and prod follow their convention."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from datastack.paths import ENVIRONMENTS_DIR, PROJECT_ROOT, environment_file
from datastack.plan import build_plan
from datastack.plan.toolchain import Toolchain, detect_toolchain
from datastack.spec import EnvironmentSpec, load_spec_file
from datastack.spec.secrets import masked

BEFORE = Path(__file__).parent / "environments_before"
ENVIRONMENTS = ("local", "ci", "dev", "staging", "prod")
# Programs as found here, without a host build of mongo-express (whether one exists must not change the comparison).
TOOLCHAIN = Toolchain(python="/usr/bin/python3", programs={
    name: path for name, path in detect_toolchain(python="/usr/bin/python3").programs.items() if name != "mongo-express"})


def _before(name: str) -> EnvironmentSpec:
    return EnvironmentSpec.model_validate(yaml.safe_load((BEFORE / f"{name}.yaml").read_text()))


def _plan(spec: EnvironmentSpec, target: str) -> dict:
    return build_plan(spec, TOOLCHAIN, masked(dict(spec.secret_refs())), Path("/state"), target=target).model_dump()


def _without_migrations_and_secrets(spec: EnvironmentSpec) -> dict:
    data = spec.model_dump(mode="json", exclude={"tier", "secrets"})
    for db in data["services"]["postgres"]["databases"].values():
        db.pop("alembic")
    for db in data["services"]["mongodb"]["databases"].values():
        db["schema_file"] = str(PROJECT_ROOT / db["schema_file"])  # the copies said it relative to the project
    return _drop_keys(data, {"password", "keyfile"})


def _drop_keys(value, keys: set[str]):
    if isinstance(value, dict):
        return {k: _drop_keys(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_drop_keys(v, keys) for v in value]
    return value


@pytest.mark.parametrize("name", ENVIRONMENTS)
@pytest.mark.parametrize("target", ["local", "container"])
def test_the_plan_is_what_the_hand_made_copy_planned(name, target):
    assert _plan(load_spec_file(environment_file(name)), target) == _plan(_before(name), target)


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_the_spec_differs_only_by_the_added_migrations_and_secret_places(name):
    after, before = load_spec_file(environment_file(name)), _before(name)
    assert _without_migrations_and_secrets(after) == _without_migrations_and_secrets(before)
    assert {i for i, _ in after.secret_refs()} == {i for i, _ in before.secret_refs()}


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_every_database_declares_its_migrations(name):
    spec = load_spec_file(environment_file(name))
    for db_name, db in spec.services.postgres.databases.items():
        assert db.alembic == PROJECT_ROOT / "migrations/postgres" / db_name
    for db_name, db in spec.services.mongodb.databases.items():
        assert db.schema_file == PROJECT_ROOT / "migrations/mongodb" / db_name / "schema.yaml"


@pytest.mark.parametrize("name, first, kind", [
    ("dev", "${env:DATASTACK_DEV_MONGODB_ADMIN}", "env"),
    ("staging", "${file:/run/secrets/datastack/mongodb/admin}", "file"),
    ("prod", "${file:/run/secrets/datastack/mongodb/admin}", "file"),
])
def test_shared_environments_read_every_secret_by_their_convention(name, first, kind):
    refs = load_spec_file(environment_file(name)).secret_refs()
    assert refs[0] == ("mongodb.admin", first)
    assert len(refs) == 18 and all(ref.startswith(f"${{{kind}:") for _, ref in refs)
    assert "password" not in (ENVIRONMENTS_DIR / f"{name}.yaml").read_text()  # not one reference written by hand


def test_only_local_and_ci_generate_and_only_prod_is_production():
    tiers = {name: load_spec_file(environment_file(name)).tier for name in ENVIRONMENTS}
    assert tiers == {"local": "development", "ci": "development", "dev": "shared", "staging": "shared",
                     "prod": "production"}


@pytest.mark.parametrize("name", ("dev", "staging", "prod"))
def test_shared_environments_state_only_what_differs(name):
    text = (ENVIRONMENTS_DIR / f"{name}.yaml").read_text()
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert lines[0] == "extends: base/shared-host.yaml" and len(lines) <= 12
