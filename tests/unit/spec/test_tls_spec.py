"""`tls:` in a store's section: files given must exist, be PEM certificates, match their key and not be expired;
none given means generated, which only tier development allows. Each mistake: one line, exit 2, nothing written."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from datastack.paths import PROJECT_ROOT
from datastack.spec import load_spec_file
from datastack.tls import (certificate_pem, issue_ca_certificate, issue_server_certificate, new_private_key,
                           private_key_pem, utc_now)
from tests.unit.spec.hostile import assert_rejected

STORES = ("mongodb", "postgres", "redis")


def write_pki(directory: Path, *, valid: timedelta = timedelta(days=90), start=None,
              names: tuple[str, ...] = ("127.0.0.1", "localhost")) -> dict[str, str]:
    """A CA and a server certificate (naming `names`) with its key, as files; returns the tls: block naming them
    (relative)."""
    ca_key, key = new_private_key(), new_private_key()
    ca = issue_ca_certificate("unit", ca_key)
    cert = issue_server_certificate("server", list(names), key, ca, ca_key, valid=valid, start=start)
    (directory / "ca.crt").write_text(certificate_pem(ca))
    (directory / "server.crt").write_text(certificate_pem(cert))
    (directory / "server.key").write_text(private_key_pem(key))
    return {"ca_file": "ca.crt", "cert_file": "server.crt", "key_file": "server.key"}


def spec_with(tmp_path: Path, store: str, tls: dict, *, tier: str = "development", bind: str | None = None) -> Path:
    section: dict = {"port": 32201, "tls": tls, **({"bind": bind} if bind else {})}
    if tier != "development":
        # Outside development every password is a reference; only the tls: block is under test.
        key = {"mongodb": "admin", "postgres": "superuser", "redis": "admin"}[store]
        section[key] = {"name": "postgres" if store == "postgres" else "admin", "password": "${env:ADMIN_PASSWORD}"}
        if store == "mongodb":
            section.update(topology="standalone", members=1)
    doc = {"name": "tls-unit", "tier": tier, "services": {store: section}}
    path = tmp_path / "env.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


@pytest.mark.parametrize("store", STORES)
def test_given_files_load_absolute_against_the_spec_file(tmp_path, store):
    tls = write_pki(tmp_path)
    spec = load_spec_file(spec_with(tmp_path, store, tls))
    block = getattr(spec.services, store).tls
    assert block.cert_file == tmp_path / "server.crt" and not block.generated


@pytest.mark.parametrize("store", STORES)
def test_a_missing_file_is_one_line(tmp_path, store):
    tls = {**write_pki(tmp_path), "ca_file": "nowhere/ca.crt"}
    line = assert_rejected(tmp_path, spec_with(tmp_path, store, tls), fields=(f"services.{store}.tls.ca_file",))
    assert "does not exist" in line


def test_a_file_that_is_not_a_certificate_is_one_line(tmp_path):
    tls = write_pki(tmp_path)
    (tmp_path / "server.crt").write_text("hello, I am not a certificate\n")
    line = assert_rejected(tmp_path, spec_with(tmp_path, "redis", tls), fields=("services.redis.tls.cert_file",))
    assert "is not a PEM certificate" in line


def test_a_certificate_the_library_warns_about_loads_without_a_warning(tmp_path, monkeypatch, recwarn):
    """System bundles hold certificates cryptography warns about (a non-positive serial number): the user sees one
    line or nothing, never a library warning on stderr."""
    import warnings

    from cryptography import x509
    from cryptography.utils import CryptographyDeprecationWarning

    original = x509.load_pem_x509_certificates

    def warning_loader(data):
        warnings.warn("Parsed a serial number which wasn't positive", CryptographyDeprecationWarning, stacklevel=2)
        return original(data)

    monkeypatch.setattr(x509, "load_pem_x509_certificates", warning_loader)
    load_spec_file(spec_with(tmp_path, "redis", write_pki(tmp_path)))
    assert not [w for w in recwarn if issubclass(w.category, CryptographyDeprecationWarning)]


def test_a_key_of_another_certificate_is_one_line(tmp_path):
    tls = write_pki(tmp_path)
    (tmp_path / "server.key").write_text(private_key_pem(new_private_key()))
    line = assert_rejected(tmp_path, spec_with(tmp_path, "postgres", tls), fields=("services.postgres.tls", "key_file"))
    assert "is not the key of cert_file" in line


def test_a_key_file_that_is_a_certificate_is_one_line(tmp_path):
    tls = {**write_pki(tmp_path), "key_file": "server.crt"}
    line = assert_rejected(tmp_path, spec_with(tmp_path, "redis", tls), fields=("services.redis.tls.key_file",))
    assert "not an unencrypted PEM private key" in line


def test_an_expired_certificate_is_one_line(tmp_path):
    tls = write_pki(tmp_path, valid=timedelta(days=1), start=utc_now() - timedelta(days=10))
    line = assert_rejected(tmp_path, spec_with(tmp_path, "mongodb", tls), fields=("services.mongodb.tls.cert_file",))
    assert "expired on" in line and "renew" in line


def expired_certificate_pem() -> str:
    key, ca_key = new_private_key(), new_private_key()
    ca = issue_ca_certificate("old", ca_key)
    return certificate_pem(issue_server_certificate("old", ["localhost"], key, ca, ca_key, valid=timedelta(days=1),
                                                    start=utc_now() - timedelta(days=10)))


def test_a_ca_bundle_with_expired_roots_is_accepted(tmp_path):
    """The system bundle holds roots that expired: one valid certificate in a CA file is enough."""
    tls = write_pki(tmp_path)
    (tmp_path / "ca.crt").write_text(expired_certificate_pem() + (tmp_path / "ca.crt").read_text())
    assert load_spec_file(spec_with(tmp_path, "redis", tls)).services.redis.tls.ca_file == tmp_path / "ca.crt"


def test_a_ca_file_whose_certificates_all_expired_is_one_line(tmp_path):
    tls = write_pki(tmp_path)
    (tmp_path / "ca.crt").write_text(expired_certificate_pem())
    line = assert_rejected(tmp_path, spec_with(tmp_path, "redis", tls), fields=("services.redis.tls.ca_file",))
    assert "every certificate in it has expired" in line


@pytest.mark.parametrize("store", STORES)
def test_a_certificate_not_naming_the_address_clients_dial_is_one_line(tmp_path, store):
    """Probes and endpoints dial 127.0.0.1 with hostname verification: a certificate for db1.prod.example.com only
    would load, start the server, and fail its readiness probe."""
    tls = write_pki(tmp_path, names=("db1.prod.example.com",))
    line = assert_rejected(tmp_path, spec_with(tmp_path, store, tls), fields=(f"services.{store}.tls", "cert_file"))
    assert "names db1.prod.example.com, not 127.0.0.1" in line and "subjectAltName for 127.0.0.1" in line


def test_a_certificate_naming_localhost_only_is_one_line(tmp_path):
    """Clients dial the IP address 127.0.0.1; a DNS name localhost does not match it in hostname verification."""
    tls = write_pki(tmp_path, names=("localhost",))
    line = assert_rejected(tmp_path, spec_with(tmp_path, "redis", tls), fields=("services.redis.tls", "cert_file"))
    assert "not 127.0.0.1" in line


def test_a_certificate_naming_the_specific_address_the_section_binds_passes(tmp_path):
    spec = load_spec_file(spec_with(tmp_path, "postgres", write_pki(tmp_path, names=("10.1.2.3",)), bind="10.1.2.3"))
    assert spec.services.postgres.tls.cert_file == tmp_path / "server.crt"
    line = assert_rejected(tmp_path, spec_with(tmp_path, "postgres", write_pki(tmp_path, names=("10.1.2.4",)),
                                               bind="10.1.2.3"), fields=("services.postgres.tls", "cert_file"))
    assert "not 127.0.0.1 or 10.1.2.3" in line and "IP:10.1.2.3" in line


def test_a_certificate_from_another_ca_is_one_line(tmp_path):
    tls = write_pki(tmp_path)
    (tmp_path / "ca.crt").write_text(certificate_pem(issue_ca_certificate("other", new_private_key())))
    line = assert_rejected(tmp_path, spec_with(tmp_path, "postgres", tls), fields=("services.postgres.tls", "cert_file", "ca_file"))
    assert "is not signed by a certificate of ca_file" in line


def test_a_certificate_signed_by_one_ca_of_a_bundle_or_through_its_intermediate_passes(tmp_path):
    tls = write_pki(tmp_path)
    other = certificate_pem(issue_ca_certificate("other", new_private_key()))
    (tmp_path / "ca.crt").write_text(other + (tmp_path / "ca.crt").read_text())
    assert load_spec_file(spec_with(tmp_path, "redis", tls)).services.redis.tls.ca_file == tmp_path / "ca.crt"
    # root -> intermediate -> server: cert_file carries the intermediate after the leaf, ca_file the root only.
    root_key, middle_key, key = new_private_key(), new_private_key(), new_private_key()
    root = issue_ca_certificate("root", root_key)
    middle = issue_server_certificate("intermediate", [], middle_key, root, root_key)
    leaf = issue_server_certificate("server", ["127.0.0.1"], key, middle, middle_key)
    (tmp_path / "ca.crt").write_text(certificate_pem(root))
    (tmp_path / "server.crt").write_text(certificate_pem(leaf) + certificate_pem(middle))
    (tmp_path / "server.key").write_text(private_key_pem(key))
    load_spec_file(spec_with(tmp_path, "redis", tls))


def test_an_external_ca_file_needs_no_server_certificate_checks(tmp_path):
    """An external store's block is the CA only: nothing to match names or signatures against."""
    tls = write_pki(tmp_path)
    section = {"external": {"host": "db1.prod.example.com", "port": 6379}, "tls": {"ca_file": tls["ca_file"]},
               "admin": {"name": "admin", "password": "${env:REDIS_ADMIN_PASSWORD}"}}
    path = tmp_path / "env.yaml"
    path.write_text(yaml.safe_dump({"name": "tls-unit", "tier": "development", "services": {"redis": section}}))
    assert load_spec_file(path).services.redis.tls.ca_file == tmp_path / "ca.crt"


def test_some_files_without_the_others_is_one_line(tmp_path):
    tls = write_pki(tmp_path)
    del tls["key_file"]
    line = assert_rejected(tmp_path, spec_with(tmp_path, "redis", tls), fields=("services.redis.tls",))
    assert "without key_file" in line


@pytest.mark.parametrize("tier", ["shared", "production"])
@pytest.mark.parametrize("store", STORES)
def test_generated_certificates_outside_development_are_one_line(tmp_path, store, tier):
    line = assert_rejected(tmp_path, spec_with(tmp_path, store, {}, tier=tier), fields=(f"services.{store}.tls",))
    assert "generated certificates are only for tier development" in line and "give ca_file" in line


def test_given_files_pass_in_production(tmp_path):
    spec = load_spec_file(spec_with(tmp_path, "redis", write_pki(tmp_path), tier="production"))
    assert spec.services.redis.tls.ca_file == tmp_path / "ca.crt"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "datastack.cli", *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=60)


def test_up_with_an_expired_certificate_stops_before_anything(tmp_path):
    tls = write_pki(tmp_path, valid=timedelta(days=1), start=utc_now() - timedelta(days=10))
    path = spec_with(tmp_path, "redis", tls)
    before = sorted(tmp_path.rglob("*"))
    done = cli("up", "--spec", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "services.redis.tls.cert_file" in done.stderr
    assert sorted(tmp_path.rglob("*")) == before, "nothing is written, nothing started"


def test_commands_that_deploy_nothing_still_run_with_an_expired_certificate(tmp_path):
    """On-call must be able to check, look at and stop an environment whose certificate expired: only up and plan
    (putting it in service) refuse it; check reports it from the wire (checks/test_*_tls.py)."""
    tls = write_pki(tmp_path, valid=timedelta(days=1), start=utc_now() - timedelta(days=10))
    path = spec_with(tmp_path, "redis", tls)
    for command in (["status"], ["down"], ["logs", "redis"], ["uri", "redis"], ["check", "--read-only"]):
        done = cli(*command, "--spec", str(path))
        assert "expired" not in done.stderr and "Traceback" not in done.stderr, (command, done.stderr)
    assert "redis" in cli("status", "--spec", str(path)).stdout  # it ran: the table of (stopped) services
    assert load_spec_file(path, expired_certificates_ok=True).services.redis.tls.cert_file == tmp_path / "server.crt"
    for command in ("up", "plan"):
        done = cli(command, "--spec", str(path))
        assert done.returncode == 2 and "expired" in done.stderr, (command, done.stderr)


@pytest.mark.parametrize("engine", ["pulumi"])
def test_container_engines_refuse_tls_before_anything(tmp_path, engine):
    path = spec_with(tmp_path, "redis", {})
    before = sorted(tmp_path.rglob("*"))
    done = cli("up", "--engine", engine, "--spec", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.strip().count("\n") == 0
    assert f"services.redis.tls: the {engine} engine does not serve TLS yet" in done.stderr
    assert sorted(tmp_path.rglob("*")) == before


def external_postgres(tmp_path: Path, tls: dict, external: dict | None = None) -> Path:
    """An external PostgreSQL (passwords by reference) with this tls: block."""
    doc = {"name": "tls-unit", "services": {"postgres": {
        "superuser": {"name": "postgres", "password": "${env:PG_PASSWORD}"},
        "external": external or {"host": "db.example.net", "port": 5432}, "tls": tls}}}
    path = tmp_path / "env.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_an_external_store_verifies_with_its_ca_file_only(tmp_path):
    write_pki(tmp_path)
    spec = load_spec_file(external_postgres(tmp_path, {"ca_file": "ca.crt"}))
    from datastack.plan.addresses import planned_endpoints

    assert planned_endpoints(spec, "local", stand_in=False).postgres.tls_ca_file == str(tmp_path / "ca.crt")


@pytest.mark.parametrize("tls, external, expected", [
    ({}, None, "give ca_file"),
    ("pki", None, "cert_file and key_file are for a server datastack runs"),
    ({"ca_file": "ca.crt"}, {"uri": "${env:PG_URI}"}, "takes its TLS settings from that URI"),
])
def test_an_external_stores_tls_block_is_checked_in_one_line(tmp_path, tls, external, expected):
    pki = write_pki(tmp_path)
    path = external_postgres(tmp_path, pki if tls == "pki" else tls, external)
    assert expected in assert_rejected(tmp_path, path, fields=("services.postgres.tls",))
