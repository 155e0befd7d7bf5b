"""Generated TLS material: one CA per environment, a certificate per server; reused, renewed when it must be."""

from __future__ import annotations

import os
import stat
from datetime import timedelta

from cryptography import x509

from datastack.spec.tls import TlsSpec
from datastack.tls import (RENEW_WITHIN, MaskedTls, TlsMaterials, certificate_pem, issue_server_certificate,
                           new_private_key, private_key_pem)
from datastack.spec.secrets import MASK

GENERATED = TlsSpec()
NAMES = ["127.0.0.1", "localhost", "::1"]


def sans(pem: str) -> set[str]:
    cert = x509.load_pem_x509_certificate(pem.encode())
    alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(n.value) for n in alt}


def test_a_server_certificate_names_loopback_and_chains_to_the_environment_ca(tmp_path):
    material = TlsMaterials(tmp_path, "unit", issue=True).server(GENERATED, "redis", NAMES)
    ca = x509.load_pem_x509_certificate(material.ca_pem.encode())
    cert = x509.load_pem_x509_certificate(material.cert_pem.encode())
    cert.verify_directly_issued_by(ca)
    assert sans(material.cert_pem) == set(NAMES)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_keys_are_private_and_the_ca_key_never_leaves_the_tls_directory(tmp_path):
    material = TlsMaterials(tmp_path, "unit", issue=True).server(GENERATED, "redis", NAMES)
    tls = tmp_path / "tls"
    for key in ("ca.key", "redis.key"):
        assert stat.S_IMODE(os.lstat(tls / key).st_mode) == 0o600
    assert stat.S_IMODE(os.lstat(tls / "ca.crt").st_mode) == 0o644
    assert (tls / "ca.key").read_text() not in (material.key_pem, material.cert_pem, material.ca_pem)


def test_a_second_issue_reuses_everything(tmp_path):
    first = TlsMaterials(tmp_path, "unit", issue=True).server(GENERATED, "redis", NAMES)
    again = TlsMaterials(tmp_path, "unit", issue=True).server(GENERATED, "redis", NAMES)
    assert again == first


def test_new_names_get_a_new_certificate_from_the_same_ca(tmp_path):
    first = TlsMaterials(tmp_path, "unit", issue=True).server(GENERATED, "redis", NAMES)
    wider = TlsMaterials(tmp_path, "unit", issue=True).server(GENERATED, "redis", [*NAMES, "redis.internal"])
    assert wider.ca_pem == first.ca_pem and wider.cert_pem != first.cert_pem and "redis.internal" in sans(wider.cert_pem)


def test_a_certificate_near_its_end_is_renewed(tmp_path):
    materials = TlsMaterials(tmp_path, "unit", issue=True)
    materials.server(GENERATED, "redis", NAMES)
    ca, ca_key = materials._ca()
    key = new_private_key()
    short = issue_server_certificate("redis", NAMES, key, ca, ca_key, valid=RENEW_WITHIN - timedelta(days=1))
    (tmp_path / "tls/redis.crt").write_text(certificate_pem(short))
    (tmp_path / "tls/redis.key").write_text(private_key_pem(key))
    renewed = materials.server(GENERATED, "redis", NAMES)
    assert renewed.cert_pem != certificate_pem(short)
    assert x509.load_pem_x509_certificate(renewed.cert_pem.encode()).not_valid_after_utc > short.not_valid_after_utc


def test_a_damaged_ca_is_made_again_and_its_server_certificates_with_it(tmp_path):
    first = TlsMaterials(tmp_path, "unit", issue=True).server(GENERATED, "redis", NAMES)
    (tmp_path / "tls/ca.crt").write_text("-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n")
    again = TlsMaterials(tmp_path, "unit", issue=True).server(GENERATED, "redis", NAMES)
    assert again.ca_pem != first.ca_pem and again.cert_pem != first.cert_pem
    x509.load_pem_x509_certificate(again.cert_pem.encode()).verify_directly_issued_by(
        x509.load_pem_x509_certificate(again.ca_pem.encode()))


def test_a_certificate_from_another_ca_is_issued_again(tmp_path):
    """Reused only while the environment's CA signed it (a restored or copied tls/ may hold another's)."""
    first = TlsMaterials(tmp_path / "one", "unit", issue=True).server(GENERATED, "redis", NAMES)
    other = TlsMaterials(tmp_path / "two", "unit", issue=True).server(GENERATED, "redis", NAMES)
    (tmp_path / "two/tls/redis.crt").write_text(first.cert_pem)
    (tmp_path / "two/tls/redis.key").write_text(first.key_pem)
    again = TlsMaterials(tmp_path / "two", "unit", issue=True).server(GENERATED, "redis", NAMES)
    assert again.cert_pem not in (first.cert_pem, other.cert_pem) and again.ca_pem == other.ca_pem


def test_a_planted_link_is_not_read_and_not_followed(tmp_path):
    materials = TlsMaterials(tmp_path, "unit", issue=True)
    first = materials.server(GENERATED, "redis", NAMES)
    elsewhere = tmp_path / "elsewhere.key"
    elsewhere.write_text("precious\n")
    (tmp_path / "tls/redis.key").unlink()
    (tmp_path / "tls/redis.key").symlink_to(elsewhere)
    again = materials.server(GENERATED, "redis", NAMES)
    assert elsewhere.read_text() == "precious\n" and not (tmp_path / "tls/redis.key").is_symlink()
    assert again.key_pem != first.key_pem


def test_without_issue_nothing_is_written_and_missing_material_is_masked(tmp_path):
    assert TlsMaterials(tmp_path, "unit", issue=False).server(GENERATED, "redis", NAMES).key_pem == MASK
    assert not (tmp_path / "tls").exists()
    issued = TlsMaterials(tmp_path, "unit", issue=True).server(GENERATED, "redis", NAMES)
    assert TlsMaterials(tmp_path, "unit", issue=False).server(GENERATED, "redis", NAMES) == issued
    assert MaskedTls().server(GENERATED, "redis", NAMES).key_and_cert_pem == MASK
