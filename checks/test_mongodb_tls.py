"""MongoDB TLS: the certificate every member presents verifies against the CA and does not expire within the budget."""

from __future__ import annotations

import pytest

from checks.lib.tls import assert_certificate_lasts


def test_mongodb_certificates_last(target):
    ep = target.endpoints.mongodb
    if ep is None or not ep.tls_ca_file:
        pytest.skip("mongodb does not serve TLS in this environment")
    for member in ep.hosts:
        host, _, port = member.rpartition(":")
        assert_certificate_lasts("mongodb", host, int(port), ep.tls_ca_file, target.spec.checks.tls_expiry_days,
                                 target.up_fix, timeout_s=target.spec.checks.timeout_s)
