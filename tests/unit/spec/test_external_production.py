"""Tier production: an external store is reached over TLS that verifies it. By address it needs `tls: {ca_file}`;
by URI reference, the URI's own options must verify (checked once the reference is resolved, before anything
starts). Other tiers keep taking what they are given."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from datastack.cli import app
from datastack.spec.load import load_spec_file
from datastack.tls import certificate_pem, issue_ca_certificate, new_private_key
from tests.unit.spec.hostile import CANARY, assert_rejected, run_plan, write_spec
from tests.unit.spec.test_external_specs import external_mongo, external_postgres_redis


def only(spec: dict, store: str, tier: str = "production") -> dict:
    spec["services"] = {store: spec["services"][store]}
    spec["tier"] = tier
    return spec


def one_store(tmp_path, store: str, tier: str = "production") -> dict:
    base = external_mongo(tmp_path) if store == "mongodb" else external_postgres_redis(tmp_path)
    return only(base, store, tier)


def ca_file(tmp_path):
    key = new_private_key()
    path = tmp_path / "ca.pem"
    path.write_text(certificate_pem(issue_ca_certificate("test", key)))
    return path


@pytest.mark.parametrize("store", ["mongodb", "postgres", "redis"])
def test_an_external_store_by_address_without_tls_is_refused_in_production(tmp_path, store):
    line = assert_rejected(tmp_path, write_spec(tmp_path, one_store(tmp_path, store)),
                           fields=(f"services.{store}.external", "tier production"))
    assert "tls: {ca_file:" in line


@pytest.mark.parametrize("store", ["mongodb", "postgres", "redis"])
def test_by_address_with_a_ca_file_or_in_another_tier_it_loads(tmp_path, store):
    verified = one_store(tmp_path, store)
    verified["services"][store]["tls"] = {"ca_file": str(ca_file(tmp_path))}
    code, _, err = run_plan(write_spec(tmp_path, verified))
    assert code == 0, err
    code, _, err = run_plan(write_spec(tmp_path, one_store(tmp_path, store, tier="shared"), name="shared.yaml"))
    assert code == 0, err


UNVERIFIED = [
    ("mongodb", "mongodb://admin:{pw}@db.example.net:27017/", "no tls=true"),
    ("mongodb", "mongodb+srv://admin:{pw}@cluster0.example.net/?tls=false", "tls=false"),
    ("mongodb", "mongodb://admin:{pw}@db.example.net:27017/?tls=true&tlsInsecure=true", "tlsInsecure=true"),
    ("mongodb", "mongodb://admin:{pw}@db.example.net:27017/?ssl=true&tlsAllowInvalidCertificates=true",
     "tlsAllowInvalidCertificates=true"),
    ("mongodb", "mongodb://admin:{pw}@db.example.net:27017/?tls=true&tlsAllowInvalidHostnames=true",
     "tlsAllowInvalidHostnames=true"),
    ("postgres", "postgresql://postgres:{pw}@pg.example.net:5432/x", "no sslmode=verify-full"),
    ("postgres", "postgresql://postgres:{pw}@pg.example.net:5432/x?sslmode=require", "sslmode=require"),
    ("postgres", "postgresql://postgres:{pw}@pg.example.net:5432/x?sslmode=verify-ca", "sslmode=verify-ca"),
    ("redis", "redis://admin:{pw}@cache.example.net:6379/0", "a redis:// URI (no TLS)"),
    ("redis", "rediss://admin:{pw}@cache.example.net:6380/0?ssl_cert_reqs=none", "ssl_cert_reqs=none"),
    ("redis", "rediss://admin:{pw}@cache.example.net:6380/0?ssl_check_hostname=false", "ssl_check_hostname=false"),
]
VERIFIED = [
    ("mongodb", "mongodb+srv://admin:{pw}@cluster0.example.net/"),  # +srv turns TLS on
    ("mongodb", "mongodb://admin:{pw}@a.example.net:27017,b.example.net:27017/?tls=true&replicaSet=rs0"),
    ("postgres", "postgresql://postgres:{pw}@pg.example.net:5432/x?sslmode=verify-full"),
    ("redis", "rediss://admin:{pw}@cache.example.net:6380/0"),
]


def by_reference(tmp_path, monkeypatch, store: str, uri: str, tier: str = "production"):
    spec = one_store(tmp_path, store, tier)
    spec["services"][store]["external"] = {"uri": "${env:EXT_STORE_URI}"}
    monkeypatch.setenv("EXT_STORE_URI", uri.format(pw=CANARY))
    for name in ("EXT_MONGO_ADMIN", "EXT_BOT_CORE_ADMIN", "EXT_BOT_CORE_APP", "EXT_BOT_CORE_READONLY", "EXT_PG_ADMIN",
                 "EXT_REDIS_ADMIN", "EXT_ALGO_TRADING_OWNER", "EXT_ALGO_TRADING_APP", "EXT_ALGO_TRADING_READONLY",
                 "EXT_TRADING_APP", "EXT_MONITORING"):
        monkeypatch.setenv(name, "pw")
    return write_spec(tmp_path, spec)


@pytest.mark.parametrize("store,uri,problem", UNVERIFIED, ids=[c[2] for c in UNVERIFIED])
def test_a_uri_that_does_not_verify_the_server_stops_up_in_production(tmp_path, monkeypatch, store, uri, problem):
    path = by_reference(tmp_path, monkeypatch, store, uri)
    result = CliRunner().invoke(app, ["up", "--spec", str(path)], catch_exceptions=False)
    line = result.stderr.strip()
    assert result.exit_code == 2 and "\n" not in line, result.stdout + result.stderr
    assert f"services.{store}.external.uri" in line and "${env:EXT_STORE_URI}" in line, line
    assert problem in line and "tier production" in line and "fix:" in line, line
    assert CANARY not in result.stdout + result.stderr and uri.format(pw=CANARY) not in line


def _resolve(path):
    from datastack.session import Session

    return Session.open(None, path).secrets()


@pytest.mark.parametrize("store,uri", VERIFIED)
def test_a_uri_that_verifies_the_server_resolves_in_production(tmp_path, monkeypatch, store, uri):
    assert _resolve(by_reference(tmp_path, monkeypatch, store, uri))[f"{store}.external_uri"] == uri.format(pw=CANARY)


@pytest.mark.parametrize("store,uri,problem", UNVERIFIED[:1] + UNVERIFIED[5:6] + UNVERIFIED[8:9])
def test_other_tiers_take_the_uri_as_given(tmp_path, monkeypatch, store, uri, problem):
    assert load_spec_file(by_reference(tmp_path, monkeypatch, store, uri, tier="shared")).tier == "shared"
    resolved = _resolve(by_reference(tmp_path, monkeypatch, store, uri, tier="shared"))
    assert resolved[f"{store}.external_uri"] == uri.format(pw=CANARY)
