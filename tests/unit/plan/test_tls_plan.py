"""With `tls:` each store's plan serves TLS only, delivers its files (key: secret, 0600), and probes over TLS.

Real mongod cannot run here: its configuration is checked against the manual,
https://www.mongodb.com/docs/manual/reference/configuration-options/#net.tls-options —
net.tls.mode `requireTLS` ("The server uses and accepts only TLS encrypted connections"),
net.tls.certificateKeyFile ("The .pem file that contains both the TLS certificate and key"),
net.tls.CAFile, and net.tls.allowConnectionsWithoutCertificates (clients log in with SCRAM, not certificates).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from datastack.plan import build_plan
from datastack.plan.toolchain import Toolchain
from datastack.spec import load_environment
from datastack.spec.tls import TlsSpec
from datastack.tls import TlsMaterials
from tests.support.pulumi_mocks import fake_secrets


def tls_plan(tmp_path: Path, *, mongod: bool = False):
    spec, _ = load_environment("local", None)
    services = spec.services.model_copy(update={
        key: getattr(spec.services, key).model_copy(update={"tls": TlsSpec()}) for key in ("mongodb", "postgres", "redis")})
    spec = spec.model_copy(update={"services": services, "state_dir": tmp_path})
    programs = {"mongod": "/usr/bin/mongod"} if mongod else {}
    toolchain = Toolchain(python="python3", programs=programs)
    return build_plan(spec, toolchain, fake_secrets(spec), tmp_path, tls=TlsMaterials(tmp_path, spec.name, issue=True))


def file_named(svc, name: str):
    return next(f for f in svc.files if f.path.endswith("/" + name))


def test_mongod_requires_tls_with_key_and_certificate_in_one_file(tmp_path):
    for member in tls_plan(tmp_path, mongod=True).by_role("mongodb"):
        conf = yaml.safe_load(file_named(member, "mongod.conf").content)["net"]["tls"]
        assert conf["mode"] == "requireTLS" and conf["allowConnectionsWithoutCertificates"] is True
        both = next(f for f in member.files if f.path == conf["certificateKeyFile"])
        assert both.secret and both.mode == 0o600
        key = load_pem_private_key(both.content.encode(), password=None)
        cert = x509.load_pem_x509_certificate(both.content.encode())  # the first certificate in the file
        assert cert.public_key().public_numbers() == key.public_key().public_numbers()
        assert next(f for f in member.files if f.path == conf["CAFile"]).content.startswith("-----BEGIN CERTIFICATE")
        assert member.readiness.tls_ca_file == str(tmp_path / "tls/ca.crt")
    last = tls_plan(tmp_path, mongod=True).by_role("mongodb")[-1]
    assert all(step.params.get("tls_ca_file") for step in last.bootstrap if step.action == "mongo_create_admin")


def test_standin_serves_tls_on_its_first_boot_too(tmp_path):
    import tomllib

    svc = tls_plan(tmp_path).by_role("mongodb")[0]
    for name in ("secantusd.toml", "secantusd-bootstrap.toml"):
        conf = tomllib.loads(file_named(svc, name).content)["tls"]
        assert conf["cert_file"] == file_named(svc, "tls-server.crt").path
        assert conf["key_file"] == file_named(svc, "tls-server.key").path
    assert file_named(svc, "tls-server.key").secret and svc.bootstrap[0].params["tls_ca_file"]


def test_redis_closes_its_plaintext_port(tmp_path):
    svc = tls_plan(tmp_path).by_role("redis")[0]
    lines = file_named(svc, "redis.conf").content.splitlines()
    assert "port 0" in lines and f"tls-port {svc.ports[0]}" in lines and "tls-auth-clients no" in lines
    assert any(line.startswith("tls-key-file ") and file_named(svc, "tls-server.key").path in line for line in lines)
    assert svc.readiness.tls_ca_file


def test_postgres_admits_network_clients_over_tls_only(tmp_path):
    svc = tls_plan(tmp_path).by_role("postgres")[0]
    hba = [line.split() for line in file_named(svc, "pg_hba.conf").content.splitlines() if line and not line.startswith("#")]
    assert {line[0] for line in hba} == {"local", "hostssl"}, "a host line would admit plaintext"
    conf = file_named(svc, "postgresql.conf").content
    assert "ssl = on" in conf and "tls-server.key" in conf
    assert file_named(svc, "tls-server.key").mode == 0o600 and svc.readiness.tls_ca_file


@pytest.mark.parametrize("store", ["mongodb", "postgres", "redis"])
def test_without_tls_nothing_changes(tmp_path, store):
    spec, _ = load_environment("local", None)
    plan = build_plan(spec, Toolchain(python="python3"), fake_secrets(spec), tmp_path)
    svc = plan.by_role(store)[0]
    assert not any("tls" in Path(f.path).name for f in svc.files) and svc.readiness.tls_ca_file is None
    directives = ("[tls]", "tls-port", "hostssl", "ssl = on", "requireTLS")
    assert not [d for f in svc.files for d in directives if d in f.content]


def test_containers_name_their_dns_alias_and_clients_get_each_stores_ca(tmp_path):
    spec, _ = load_environment("ci", None)
    services = spec.services.model_copy(update={
        key: getattr(spec.services, key).model_copy(update={"tls": TlsSpec()}) for key in ("mongodb", "postgres", "redis")})
    spec = spec.model_copy(update={"services": services, "state_dir": tmp_path})
    secrets = fake_secrets(spec)
    plan = build_plan(spec, Toolchain(python="python3"), secrets, tmp_path, target="container",
                      tls=TlsMaterials(tmp_path, spec.name, issue=True))
    for store in ("mongodb", "postgres", "redis"):
        svc = plan.by_role(store)[0]
        cert = x509.load_pem_x509_certificate(file_named(svc, "tls-server.crt").content.encode())
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
        assert store in names and "localhost" in names, (store, names)
    assert plan.by_role("mongodb")[0].command[:2] == ["--tls-cert-file", "/etc/datastack/tls-server.crt"]
    app = plan.by_role("app")[0]
    ca = (tmp_path / "tls/ca.crt").read_text()
    for store in ("mongodb", "postgres", "redis"):
        assert file_named(app, f"tls-ca-{store}.crt").content == ca
    uris = {f.path.rsplit("/", 1)[1]: f.content for f in app.files if f.path.endswith("_uri")}
    assert "tlsCAFile=/etc/datastack/tls-ca-mongodb.crt" in uris["mongodb_uri"]
    assert "sslrootcert=/etc/datastack/tls-ca-postgres.crt" in uris["postgres_uri"]
    assert uris["redis_uri"].startswith("rediss://") and "ssl_ca_certs=/etc/datastack/tls-ca-redis.crt" in uris["redis_uri"]
    me = plan.by_role("mongo_express")[0]
    assert file_named(me, "tls-ca-mongodb.crt").content == ca
    assert "tlsCAFile=/etc/datastack/tls-ca-mongodb.crt" in me.environment["ME_CONFIG_MONGODB_URL"]


def test_container_healthchecks_speak_tls_when_the_ca_is_delivered():
    from datastack.plan.containers import healthcheck

    assert "--tls --cacert /etc/datastack/tls-ca.crt" in " ".join(healthcheck("redis", "redis-server"))
    assert "tlsCAFile=ca" in " ".join(healthcheck("mongodb", "secantus"))
    assert "--tls --tlsCAFile /etc/datastack/tls-ca.crt" in " ".join(healthcheck("mongodb", "mongod"))


# ---- given files with text around their PEM blocks -------------------------------------------------------------


def given_pki_with_text_around(directory: Path) -> TlsSpec:
    """What users hand over: a CA bundle with `# Issuer:` comment lines (certifi's cacert.pem), a certificate and a
    key with the `Bag Attributes` text `openssl pkcs12` writes before each block, the key in the traditional format."""
    from cryptography.hazmat.primitives import serialization

    from datastack.tls import certificate_pem, issue_ca_certificate, issue_server_certificate, new_private_key

    ca_key, other_key, key = new_private_key(), new_private_key(), new_private_key()
    ca, other = issue_ca_certificate("unit", ca_key), issue_ca_certificate("other", other_key)
    cert = issue_server_certificate("server", ["127.0.0.1", "localhost"], key, ca, ca_key)
    (directory / "bundle.pem").write_text(
        "##\n## Bundle of CA Root Certificates\n##\n\n# Issuer: CN=datastack other CA O=datastack\n# Label: \"other\"\n"
        + certificate_pem(other) + "\n# Issuer: CN=datastack unit CA O=datastack\n# Serial: 1\n" + certificate_pem(ca))
    (directory / "server.crt").write_text(
        "Bag Attributes\n    localKeyId: 01 02 03\n    friendlyName: server\nsubject=CN = server\nissuer=CN = unit CA\n"
        + certificate_pem(cert))
    traditional = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption()).decode()
    (directory / "server.key").write_text("Bag Attributes\n    localKeyId: 01 02 03\nKey Attributes: <No Attributes>\n"
                                          + traditional)
    return TlsSpec(ca_file=directory / "bundle.pem", cert_file=directory / "server.crt", key_file=directory / "server.key")


def given_plan(tmp_path: Path, tls: TlsSpec, *, mongod: bool = False):
    spec, _ = load_environment("local", None)
    services = spec.services.model_copy(update={
        key: getattr(spec.services, key).model_copy(update={"tls": tls}) for key in ("mongodb", "postgres", "redis")})
    spec = spec.model_copy(update={"services": services, "state_dir": tmp_path / "state"})
    toolchain = Toolchain(python="python3", programs={"mongod": "/usr/bin/mongod"} if mongod else {})
    return build_plan(spec, toolchain, fake_secrets(spec), tmp_path, tls=TlsMaterials(tmp_path / "state", spec.name, issue=True))


@pytest.mark.parametrize("mongod", [False, True])
def test_given_files_with_text_around_their_blocks_are_served_as_the_parsed_blocks_only(tmp_path, mongod):
    import re

    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    tls = given_pki_with_text_around(tmp_path)
    plan = given_plan(tmp_path, tls, mongod=mongod)
    block = re.compile(r"-----BEGIN ([A-Z ]+)-----\n(?:[A-Za-z0-9+/=]{1,64}\n)+-----END \1-----\n")
    served = [f for role in ("mongodb", "postgres", "redis") for svc in plan.by_role(role) for f in svc.files
              if Path(f.path).name.startswith("tls-")]
    assert {Path(f.path).name for f in served} >= {"tls-ca.crt", "tls-server.crt", "tls-server.key"}
    for file in served:
        assert re.fullmatch(f"(?:{block.pattern})+", file.content), f"{file.path} holds more than PEM blocks"
        assert "Bag Attributes" not in file.content and "# Issuer" not in file.content
    ca = next(f for f in served if f.path.endswith("/tls-ca.crt")).content
    assert len(x509.load_pem_x509_certificates(ca.encode())) == 2, "every certificate of the bundle is kept"
    key_files = [f for f in served if f.path.endswith(("/tls-server.key", "/tls-server.pem"))]
    for file in key_files:
        assert file.secret and "-----BEGIN PRIVATE KEY-----" in file.content  # PKCS8, whatever form was given
        key = load_pem_private_key(file.content.encode(), password=None)
        cert = x509.load_pem_x509_certificate((tmp_path / "server.crt").read_bytes())
        der = dict(encoding=Encoding.DER, format=PublicFormat.SubjectPublicKeyInfo)
        assert key.public_key().public_bytes(**der) == cert.public_key().public_bytes(**der)
