"""Certificate expiry, read from what a server presents over the wire (not from a file that may not be served)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from datastack.tls import client_context

# Before the TLS handshake: what the protocol sends on the plain socket to ask for TLS (PostgreSQL's SSLRequest).
Preamble = Callable[[socket.socket], None]


def presented_certificate(host: str, port: int, ca_file: str, *, preamble: Preamble | None = None, timeout_s: float = 3.0):
    """The leaf certificate the server at host:port presents, verified against `ca_file`."""
    from cryptography import x509

    with socket.create_connection((host, port), timeout=timeout_s) as raw:
        if preamble is not None:
            preamble(raw)
        with client_context(ca_file).wrap_socket(raw, server_hostname=host) as sock:
            return x509.load_der_x509_certificate(sock.getpeercert(binary_form=True))


def days_left(certificate) -> float:
    return (certificate.not_valid_after_utc - datetime.now(timezone.utc)).total_seconds() / 86400


def assert_certificate_lasts(service: str, host: str, port: int, ca_file: str, budget_days: int, fix: str,
                             *, preamble: Preamble | None = None, timeout_s: float = 3.0) -> None:
    try:
        certificate = presented_certificate(host, port, ca_file, preamble=preamble, timeout_s=timeout_s)
    except OSError as exc:  # ssl.SSLError included: a certificate the CA does not verify fails here
        pytest.fail(f"{service} at {host}:{port}: no verified TLS handshake ({exc}) — fix: '{fix}'", pytrace=False)
    left = days_left(certificate)
    if left <= budget_days:
        pytest.fail(f"{service} at {host}:{port} presents a certificate that expires in {left:.1f} days "
                    f"({certificate.not_valid_after_utc:%Y-%m-%d %H:%M} UTC), within checks.tls_expiry_days={budget_days} "
                    f"— fix: renew it (generated ones: '{fix}'; given ones: replace cert_file)", pytrace=False)
