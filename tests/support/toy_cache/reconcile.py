"""The cache's reconciler: the only writer of its ACL users after the first administrator (Redis' ACL machinery)."""

from __future__ import annotations

from datastack.admin_logins import admin_login, remember_admin_password
from roles.redis.reconcile.acl import DesiredUser, acl_changes, apply_user, sha256
from datastack.migrate.report import MigrateOptions, StoreReport


def desired(spec, secrets: dict[str, str]) -> list[DesiredUser]:
    cache = spec.services.cache
    users = [DesiredUser("default", False, None, ("-@all",)),
             DesiredUser(cache.admin.name, True, sha256(secrets[cache.admin_secret_id]), ("~*", "&*", "+@all"))]
    for user in cache.users:
        rules = (*(f"~{k}" for k in user.keys), "-@all", "+@read", "+@write", "+@keyspace", "-@dangerous")
        users.append(DesiredUser(user.name, True, sha256(secrets[cache.user_secret_id(user.name)]), rules))
    return users


def migrate_cache(spec, endpoints, secrets: dict[str, str], options: MigrateOptions) -> list[StoreReport]:
    import redis

    cache = spec.services.cache

    def log_in(password: str):
        client = redis.Redis(host="127.0.0.1", port=cache.port, username=cache.admin.name, password=password,
                             decode_responses=True)
        client.ping()
        return client

    client, _ = admin_login(spec, cache.admin_secret_id, secrets[cache.admin_secret_id], log_in,
                            lambda exc: isinstance(exc, redis.AuthenticationError), store="cache")
    report = StoreReport(store="cache")
    try:
        changes = acl_changes(client, desired(spec, secrets))
        report.planned = [change for change, _ in changes]
        if not options.dry_run and changes:
            for change, want in changes:
                apply_user(client, want)
                report.applied.append(change.model_copy(update={"applied": True, "store": "cache"}))
            client.execute_command("ACL", "SAVE")
            remember_admin_password(spec, cache.admin_secret_id, secrets[cache.admin_secret_id])
    finally:
        client.close()
    return [report]


def status_cache(spec, endpoints, secrets: dict[str, str]) -> list[StoreReport]:
    return migrate_cache(spec, endpoints, secrets, MigrateOptions(dry_run=True))
