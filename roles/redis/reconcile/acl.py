"""ACL users from the spec, applied with `ACL SETUSER <name> reset ...` so the live user equals the spec.

Redis rewrites rules into its own canonical form ("+@read -@dangerous" comes back as dozens of
category and command rules), so the live user is compared with a throwaway probe user built from
the desired rules: Redis canonicalises both the same way. Passwords are compared as SHA-256,
which is what `ACL GETUSER` shows, and set as '#<sha256>' so the plaintext never travels.
"""

from __future__ import annotations

import hashlib
import secrets as token_source
from dataclasses import dataclass
from typing import TYPE_CHECKING

from roles.redis.spec import RedisSpec
from datastack.migrate.report import Change

if TYPE_CHECKING:
    import redis

PROBE_PREFIX = "datastack-probe-"  # throwaway users of a comparison in progress, never "undeclared"
COMPARED = ("flags", "commands", "keys", "channels", "selectors")
# Set by Redis from its own sanitize-dump-payload default (and absent from a hand-written ACL file): not spec.
IGNORED_FLAGS = {"sanitize-payload", "skip-sanitize-payload"}


@dataclass(frozen=True)
class DesiredUser:
    name: str
    enabled: bool
    password_sha256: str | None
    rules: tuple[str, ...]  # key, channel and command rules applied after 'reset'

    def setuser_args(self, *, with_password: bool = True) -> list[str]:
        args = ["reset", "on" if self.enabled else "off"]
        if with_password and self.password_sha256:
            args.append(f"#{self.password_sha256}")
        return args + list(self.rules)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def desired_users(spec: RedisSpec, secrets: dict[str, str]) -> list[DesiredUser]:
    """The default user (off, no password, nothing allowed), the admin, then each declared user."""
    users = [
        DesiredUser("default", False, None, ("-@all",)),
        DesiredUser(spec.admin.name, True, sha256(secrets[spec.admin_secret_id]), ("~*", "&*", "+@all")),
    ]
    for user in spec.users:
        rules = (*(f"~{k}" for k in user.keys), *(f"&{c}" for c in user.channels), "-@all", *user.commands)
        users.append(DesiredUser(user.name, True, sha256(secrets[spec.user_secret_id(user.name)]), rules))
    return users


def user_differences(client: "redis.Redis", want: DesiredUser) -> list[str]:
    """What differs between the live user and the spec ([] when equal; ['missing'] when absent)."""
    live = client.acl_getuser(want.name)
    if not live:
        return ["missing"]
    canonical = None
    for _ in range(3):  # a migrator cleaning up a killed run's probes may delete ours under us: try another
        probe = f"{PROBE_PREFIX}{token_source.token_hex(6)}"
        try:
            # The probe has no password and is never 'nopass': nobody can log in as it.
            client.execute_command("ACL", "SETUSER", probe, *want.setuser_args(with_password=False))
            canonical = client.acl_getuser(probe)
        finally:
            client.execute_command("ACL", "DELUSER", probe)
        if canonical:
            break
    differences = [field for field in COMPARED if _normal(live.get(field)) != _normal(canonical.get(field))]
    wanted_passwords = [want.password_sha256] if want.password_sha256 else []
    if sorted(live.get("passwords") or []) != wanted_passwords:
        differences.append("password")
    return differences


def _normal(value: object) -> object:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return sorted(v for v in value if v not in IGNORED_FLAGS)
    return value


def acl_changes(client: "redis.Redis", wanted: list[DesiredUser]) -> list[tuple[Change, DesiredUser]]:
    changes = []
    for want in wanted:
        differences = user_differences(client, want)
        if not differences:
            continue
        action = "create_user" if differences == ["missing"] else "reset_user"
        detail = "" if action == "create_user" else f"differs in {', '.join(differences)}"
        changes.append((Change(store="redis", target=f"acl user {want.name}", action=action, detail=detail), want))
    return changes


def undeclared_users(client: "redis.Redis", wanted: list[DesiredUser]) -> list[str]:
    declared = {w.name for w in wanted}
    return sorted(name for name in client.acl_users() if name not in declared and not name.startswith(PROBE_PREFIX))


def leftover_probes(client: "redis.Redis") -> list[str]:
    """Probe users of a comparison that was killed before it could delete them (or of one running now)."""
    return sorted(name for name in client.acl_users() if name.startswith(PROBE_PREFIX))


def apply_user(client: "redis.Redis", want: DesiredUser) -> None:
    client.execute_command("ACL", "SETUSER", want.name, *want.setuser_args())
