"""`plan` shows the declared design (MongoDB collections, Redis ACL rules) and the merged spec; no secret in it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import yaml

from datastack.paths import PROJECT_ROOT, environment_file
from datastack.spec.overlays import read_environment_document

CANARY = "canary-password-7f3a"


def plan(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "datastack.cli", "plan", *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=60, env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stderr
    return done


def test_json_carries_each_collection_with_its_indexes_and_options():
    design = json.loads(plan("--env", "local", "--json").stdout)["design"]
    collections = design["mongodb"]["databases"]["bot_core"]["collections"]
    assert len(collections) == 24
    assert "expires_at_1 {expires_at: 1} ttl 0s" in collections["sessions"]["indexes"]
    assert "session_token_1 {session_token: 1} unique" in collections["sessions"]["indexes"]
    assert collections["audit_logs"]["capped"] == {"size": 104857600, "max": 1000000}
    assert collections["market_data"]["timeseries"]["timeField"] == "timestamp"
    assert collections["market_data"]["expire_after_seconds"] == 31536000
    assert collections["users"]["validator"]["required"] == ["email", "password_hash", "created_at"]


def test_redis_acl_rules_are_shown_without_passwords_or_hashes(tmp_path):
    data = read_environment_document(environment_file("local"))
    data["state_dir"] = str(tmp_path / "state")
    data["services"]["redis"]["users"][0]["password"] = "${env:DS_TEST_DESIGN_PW}"
    spec = tmp_path / "env.yaml"
    spec.write_text(yaml.safe_dump(data))
    out = plan("--spec", str(spec), "--json", env={"DS_TEST_DESIGN_PW": CANARY}).stdout
    acl = json.loads(out)["design"]["redis"]["acl"]
    assert "user trading_app reset on ~app:* &app:* -@all +@all -@dangerous" in acl
    assert not any(">" in rule or "#" in rule for rule in acl)
    assert CANARY not in out and hashlib.sha256(CANARY.encode()).hexdigest() not in out
    assert json.loads(out)["spec"]["secret_references"]["redis.users.trading_app"] == "${env:DS_TEST_DESIGN_PW}"


def test_the_merged_spec_is_in_the_json_and_the_design_in_the_text():
    merged = json.loads(plan("--env", "prod", "--json").stdout)["spec"]
    assert merged["tier"] == "production" and merged["services"]["mongo_express"]["enabled"] is False
    assert merged["services"]["postgres"]["databases"]["algo_trading"]["alembic"].endswith("migrations/postgres/algo_trading")
    assert merged["secret_references"]["mongodb.admin"] == "${file:/run/secrets/datastack/mongodb/admin}"
    text = plan("--env", "prod").stdout
    assert "\ndesign\n" in text and "- user monitoring reset on ~* -@all +@read -@dangerous +ping +info" in text
    assert "- email_1 {email: 1} unique" in text
