"""Compatibility with verifiers PostgreSQL makes itself is proven in the integration tests
(roles created by the spine with plain passwords need no set_password on the first migrate)."""

from roles.postgres.reconcile.scram import scram_verifier, verifier_matches


def test_verifier_matches_its_own_password_only():
    verifier = scram_verifier("s3cret", salt=b"0123456789abcdef")
    assert verifier.startswith("SCRAM-SHA-256$4096:")
    assert verifier_matches("s3cret", verifier)
    assert not verifier_matches("other", verifier)


def test_missing_or_md5_passwords_never_match():
    assert not verifier_matches("pw", None)
    assert not verifier_matches("pw", "md5abcdef")
    assert not verifier_matches("pw", "SCRAM-SHA-256$garbage")
