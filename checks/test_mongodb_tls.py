"""MongoDB TLS: the certificate every member presents verifies against the CA and does not expire within the budget."""

from __future__ import annotations

import pytest

from checks.lib.tls import assert_certificate_lasts


def test_mongodb_certificates_last(target):
    ep = target.endpoints.mongodb
    if ep is None or not ep.tls_ca_file:
        pytest.skip("mongodb: no CA file to verify it with (no tls: block, or an external server given by URI, whose TLS its URI holds): certificate not checked")
    for member in ep.hosts:
        host, _, port = member.rpartition(":")
        host = host[1:-1] if host.startswith("[") and host.endswith("]") else host  # [::1]:27017
        assert_certificate_lasts("mongodb", host, int(port), ep.tls_ca_file, target.spec.checks.tls_expiry_days,
                                 target.up_fix, timeout_s=target.spec.checks.timeout_s)
