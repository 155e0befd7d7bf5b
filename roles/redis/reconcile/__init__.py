"""Redis migrations: ACL users and runtime config reconciled to the spec, ACL persisted with ACL SAVE.

`migrate_redis` applies (or, dry-running, lists) the changes; `redis_status` only lists them.
"""

from __future__ import annotations

from datastack.admin_logins import remember_admin_password
from datastack.endpoints import Endpoints
from datastack.errors import RuntimeFailure
from datastack.spec import EnvironmentSpec
from datastack.migrate.report import Change, MigrateOptions, StoreReport

__all__ = ["migrate_redis", "redis_status"]


def migrate_redis(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str],
                  options: MigrateOptions) -> StoreReport:
    import redis

    from .acl import acl_changes, apply_user, desired_users, undeclared_users
    from .config import config_changes
    from .connect import admin_client

    report = StoreReport(store="redis")
    if spec.services.redis is None:
        return report
    client = admin_client(spec, endpoints, secrets)
    try:
        wanted = desired_users(spec.services.redis, secrets)
        user_changes = acl_changes(client, wanted)
        extra = undeclared_users(client, wanted)
        settings, values, drift = config_changes(client, spec.services.redis)
        report.drift += drift
        report.planned += [change for change, _ in user_changes] + settings
        prune = [Change(store="redis", target=f"acl user {name}", action="delete_user", detail="not in the spec")
                 for name in extra] if options.prune else []
        report.planned += prune
        if not options.prune:
            report.drift += [f"acl user {name} is not in the spec (--prune deletes it)" for name in extra]
        if options.dry_run:
            return report
        for change, want in user_changes:
            apply_user(client, want)
            _applied(report, change, options)
        for change in prune:
            client.execute_command("ACL", "DELUSER", change.target.removeprefix("acl user "))
            _applied(report, change, options)
        if values:
            _config_set(client, values)
            for change in settings:
                _applied(report, change, options)
        if user_changes or prune:
            _persist_acl(client, report)
        # The admin's password is now the current secret: the one a later rotation logs in with.
        remember_admin_password(spec, spec.services.redis.admin_secret_id, secrets[spec.services.redis.admin_secret_id])
    except redis.RedisError as exc:
        raise RuntimeFailure(f"redis migration failed: {exc}", fix="see the redis log; nothing else was changed") from None
    finally:
        client.close()
    return report


def redis_status(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str]) -> StoreReport:
    report = migrate_redis(spec, endpoints, secrets, MigrateOptions(dry_run=True))
    report.notes.append("in sync with the spec" if not (report.planned or report.drift)
                        else f"{len(report.planned)} change(s) pending: run 'datastack migrate'")
    return report


def _config_set(client, values: dict[str, str]) -> None:
    # One CONFIG SET with every pair: Redis 7 applies them all or none.
    args = [item for pair in values.items() for item in pair]
    client.execute_command("CONFIG", "SET", *args)


def _persist_acl(client, report: StoreReport) -> None:
    import redis

    try:
        client.execute_command("ACL", "SAVE")
    except redis.ResponseError as exc:
        report.drift.append(f"ACL changes are live but not saved: {exc}")


def _applied(report: StoreReport, change: Change, options: MigrateOptions) -> None:
    report.applied.append(change.model_copy(update={"applied": True}))
    options.say(f"redis {change.target}: {change.action} {change.detail}".rstrip())
