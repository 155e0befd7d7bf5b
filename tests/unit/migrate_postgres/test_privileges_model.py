from roles.postgres.reconcile.privileges import PUBLIC, TABLE, acl_diff, desired_acl


def test_desired_acl_gives_public_nothing_and_skips_the_owner():
    roles = {"o": "owner", "a": "app", "r": "readonly"}
    assert desired_acl(TABLE, roles) == {PUBLIC: set(), "a": {"SELECT", "INSERT", "UPDATE", "DELETE"}, "r": {"SELECT"}}


def test_acl_diff_grants_missing_and_revokes_extra():
    current = {PUBLIC: {"SELECT"}, "a": {"SELECT", "TRUNCATE"}, "o": {"SELECT", "INSERT"}}
    desired = {PUBLIC: set(), "a": {"SELECT", "INSERT"}}
    assert sorted(acl_diff(current, desired)) == [
        ("GRANT", "a", frozenset({"INSERT"})), ("REVOKE", PUBLIC, frozenset({"SELECT"})),
        ("REVOKE", "a", frozenset({"TRUNCATE"}))]


def test_acl_diff_is_empty_when_in_sync():
    assert acl_diff({"a": {"SELECT"}}, {"a": {"SELECT"}}) == []


def test_grantees_the_spec_does_not_declare_lose_everything_unless_kept():
    current = {PUBLIC: set(), "app": {"SELECT"}, "ghost": {"SELECT", "INSERT"}, "owner": {"SELECT", "DELETE"}}
    desired = desired_acl(TABLE, {"app": "readonly"})
    changes = acl_diff(current, desired, keep={"app", "owner"})
    assert ("REVOKE", "ghost", frozenset({"SELECT", "INSERT"})) in changes
    assert not [c for c in changes if c[1] == "owner"]
    assert not [c for c in acl_diff(current, desired) if c[1] == "ghost"]  # without keep: the old behaviour
