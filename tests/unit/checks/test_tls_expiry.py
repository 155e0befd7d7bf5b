"""The expiry check reads the certificate a server presents: it passes a certificate that outlasts the budget,
fails one that does not (naming the server and the days left), and fails one its CA does not verify."""

from __future__ import annotations

import socket
import ssl
import threading
from datetime import timedelta

import pytest

from checks.lib.tls import assert_certificate_lasts
from datastack.tls import (certificate_pem, issue_ca_certificate, issue_server_certificate, new_private_key,
                           private_key_pem)


def serve_tls(tmp_path, valid: timedelta, host: str = "127.0.0.1"):
    """A TLS listener on loopback presenting a certificate valid for `valid`; returns (port, CA file, stop)."""
    ca_key, key = new_private_key(), new_private_key()
    ca = issue_ca_certificate("unit", ca_key)
    cert = issue_server_certificate("unit", ["127.0.0.1", "::1"], key, ca, ca_key, valid=valid)
    (tmp_path / "ca.crt").write_text(certificate_pem(ca))
    (tmp_path / "server.pem").write_text(private_key_pem(key) + certificate_pem(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "server.pem")
    listener = socket.create_server((host, 0), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    stopping = threading.Event()

    def accept():
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except (OSError, ssl.SSLError):
                pass

    threading.Thread(target=accept, daemon=True).start()

    def stop():
        stopping.set()
        listener.close()

    return listener.getsockname()[1], str(tmp_path / "ca.crt"), stop


def test_a_certificate_that_outlasts_the_budget_passes(tmp_path):
    port, ca, stop = serve_tls(tmp_path, timedelta(days=90))
    try:
        assert_certificate_lasts("redis", "127.0.0.1", port, ca, 14, "datastack up")
    finally:
        stop()


def test_a_short_lived_certificate_fails_naming_server_and_days(tmp_path):
    port, ca, stop = serve_tls(tmp_path, timedelta(days=3))
    try:
        with pytest.raises(pytest.fail.Exception, match=rf"redis at 127.0.0.1:{port} presents a certificate that "
                                                        r"expires in (2\.9|3\.0) days .*tls_expiry_days=14"):
            assert_certificate_lasts("redis", "127.0.0.1", port, ca, 14, "datastack up")
    finally:
        stop()


def test_a_certificate_the_ca_does_not_verify_fails(tmp_path):
    port, _, stop = serve_tls(tmp_path, timedelta(days=90))
    other = tmp_path / "other-ca.crt"
    other.write_text(certificate_pem(issue_ca_certificate("other", new_private_key())))
    try:
        with pytest.raises(pytest.fail.Exception, match="no verified TLS handshake.*certificate verify failed"):
            assert_certificate_lasts("postgres", "127.0.0.1", port, str(other), 14, "datastack up")
    finally:
        stop()


def test_the_mongodb_check_reads_an_ipv6_seed_host(tmp_path):
    """Seed hosts are written [::1]:27017: the check dials the address inside the brackets."""
    from types import SimpleNamespace

    from checks.test_mongodb_tls import test_mongodb_certificates_last

    port, ca, stop = serve_tls(tmp_path, timedelta(days=90), host="::1")
    try:
        target = SimpleNamespace(endpoints=SimpleNamespace(mongodb=SimpleNamespace(hosts=[f"[::1]:{port}"], tls_ca_file=ca)),
                                 spec=SimpleNamespace(checks=SimpleNamespace(tls_expiry_days=14, timeout_s=3.0)),
                                 up_fix="datastack up")
        test_mongodb_certificates_last(target)
    finally:
        stop()
