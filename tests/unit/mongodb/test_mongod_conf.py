"""mongod.conf as the mongodb role renders it: a bounded WiredTiger cache and a private unix socket directory."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from datastack.plan import build_plan
from datastack.plan.toolchain import Toolchain
from datastack.spec import load_environment
from tests.support.pulumi_mocks import fake_secrets


def mongod_conf(target: str, tmp_path: Path, **mongo) -> dict:
    spec, _ = load_environment("dev", None)
    if mongo:
        spec = spec.model_copy(update={"services": spec.services.model_copy(update={
            "mongodb": spec.services.mongodb.model_copy(update=mongo)})})
    toolchain = Toolchain(python="python3", programs={"mongod": "/usr/bin/mongod"})
    plan = build_plan(spec, toolchain, fake_secrets(spec), tmp_path, target=target)
    conf = next(f for f in plan.by_role("mongodb")[0].files if f.path.endswith("mongod.conf"))
    return yaml.safe_load(conf.content)


@pytest.mark.parametrize("target", ["local", "container"])
def test_cache_is_bounded_per_member(tmp_path, target):
    assert mongod_conf(target, tmp_path)["storage"]["wiredTiger"]["engineConfig"]["cacheSizeGB"] == 0.5
    assert mongod_conf(target, tmp_path, wiredtiger_cache_gb=1.5)["storage"]["wiredTiger"]["engineConfig"]["cacheSizeGB"] == 1.5


def test_local_socket_lives_in_the_members_own_directory(tmp_path):
    prefix = mongod_conf("local", tmp_path)["net"]["unixDomainSocket"]["pathPrefix"]
    assert prefix.startswith(str(tmp_path)) and prefix != "/tmp", "a shared /tmp socket can be blocked by another user's"


def test_cache_below_mongods_minimum_is_refused():
    from pydantic import ValidationError

    from roles.mongodb.spec import MongoSpec

    with pytest.raises(ValidationError, match="greater than or equal to 0.25"):
        MongoSpec(wiredtiger_cache_gb=0.1)
