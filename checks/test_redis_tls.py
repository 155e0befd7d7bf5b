"""Redis TLS: the certificate it presents verifies against the CA and does not expire within the budget."""

from __future__ import annotations

import pytest

from checks.lib.tls import assert_certificate_lasts


def test_redis_certificate_lasts(target):
    ep = target.endpoints.redis
    if ep is None or not ep.tls_ca_file:
        pytest.skip("redis: no CA file to verify it with (no tls: block, or an external server given by URI, whose TLS its URI holds): certificate not checked")
    assert_certificate_lasts("redis", ep.host, ep.port, ep.tls_ca_file, target.spec.checks.tls_expiry_days,
                             target.up_fix, timeout_s=target.spec.checks.timeout_s)
