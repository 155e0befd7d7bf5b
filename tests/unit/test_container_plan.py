"""The container target of the plan, and the prod rule for mongo-express."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from datastack.paths import environment_file
from datastack.spec.overlays import read_environment_document
from datastack.plan import build_plan
from datastack.plan.toolchain import Toolchain
from datastack.spec import EnvironmentSpec, load_environment
from datastack.spec.secrets import masked


def container_plan(env: str):
    spec, _ = load_environment(env, None)
    return spec, build_plan(spec, Toolchain(python="python3"), masked(dict(spec.secret_refs())), spec_state(spec), target="container")


def spec_state(spec):
    from datastack.plan import state_dir_for

    return state_dir_for(spec)


def test_ci_runs_offline_images_and_a_standalone_standin():
    spec, plan = container_plan("ci")
    assert all(s.image.startswith("datastack/") for s in plan.services)
    (mongo,) = plan.by_role("mongodb")
    assert mongo.implementation == "secantus" and mongo.data_dir == "/data/db"
    assert plan.service("postgres").data_dir == "/var/lib/postgresql/data"
    assert plan.service("redis").command == [] and plan.service("redis").environment["REDIS_CONFIG_FILE"] == "/etc/datastack/redis.conf"


def test_prod_uses_official_images_and_a_keyfile_per_member():
    spec, plan = container_plan("prod")
    members = plan.by_role("mongodb")
    assert [m.name for m in members] == ["mongodb-0", "mongodb-1", "mongodb-2"]
    assert {m.image for m in members} == {"mongo:7.0"}
    for m in members:
        keyfile = next(f for f in m.files if f.path == "/etc/datastack/keyfile")
        assert keyfile.mode == 0o400 and keyfile.secret
    assert plan.service("redis").command == ["redis-server", "/etc/datastack/redis.conf"]
    assert not plan.by_role("mongo_express")


def _prod_with(mongo_express: dict, **top) -> dict:
    data = read_environment_document(environment_file("prod"))  # merged over its bases
    data["services"]["mongo_express"] = mongo_express
    return {**data, **top}


@pytest.mark.parametrize("mongo_express, message", [
    ({"enabled": True, "basic_auth": None, "port": 8081}, "in tier production without basic_auth"),
    ({"enabled": True, "bind": "0.0.0.0", "basic_auth": {"name": "admin", "password": "${env:X}"}},
     "bound to 0.0.0.0 in tier production"),
])
def test_prod_rejects_an_exposed_mongo_express(mongo_express, message):
    with pytest.raises(ValidationError, match=message):
        EnvironmentSpec.model_validate(_prod_with(mongo_express))
    # The rule follows the declared tier, not the word "prod": any name in tier production, and only that tier.
    with pytest.raises(ValidationError, match=message):
        EnvironmentSpec.model_validate(_prod_with(mongo_express, name="eu-live"))
    EnvironmentSpec.model_validate(_prod_with(mongo_express, tier="shared"))


def test_prod_accepts_mongo_express_on_loopback_behind_basic_auth():
    EnvironmentSpec.model_validate(_prod_with({"enabled": True, "basic_auth": {"name": "admin", "password": "${env:X}"}}))
