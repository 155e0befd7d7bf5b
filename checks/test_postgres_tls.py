"""PostgreSQL TLS: the certificate it presents verifies against the CA and does not expire within the budget."""

from __future__ import annotations

import struct

import pytest

from checks.lib.tls import assert_certificate_lasts

SSL_REQUEST_CODE = 80877103  # https://www.postgresql.org/docs/15/protocol-message-formats.html (SSLRequest)


def ask_for_tls(sock) -> None:
    """PostgreSQL speaks TLS after an SSLRequest answered 'S' (protocol-flow.html#PROTOCOL-FLOW-SSL)."""
    sock.sendall(struct.pack("!ii", 8, SSL_REQUEST_CODE))
    answer = sock.recv(1)
    if answer != b"S":
        raise OSError(f"the server refused TLS (answered {answer!r} to SSLRequest)")


def test_postgres_certificate_lasts(target):
    ep = target.endpoints.postgres
    if ep is None or not ep.tls_ca_file:
        pytest.skip("postgres: no CA file to verify it with (no tls: block, or an external server given by URI, whose TLS its URI holds): certificate not checked")
    assert_certificate_lasts("postgres", ep.host, ep.port, ep.tls_ca_file, target.spec.checks.tls_expiry_days,
                             target.up_fix, preamble=ask_for_tls, timeout_s=target.spec.checks.timeout_s)
