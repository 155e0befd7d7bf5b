"""Redis migrations: ACL users and runtime config reconciled to the spec, ACL persisted with ACL SAVE.

A migrating run reads and writes under the migration lock (lock.py), fencing each write; a dry run
takes no lock (its only writes are throwaway probe users, which no run ever treats as undeclared).
Live ACL changes and `ACL SAVE` are two steps: a marker key set before the first change and deleted
after the save tells the next run that a killed one left live users unsaved (a restart would bring
back the old file), so that run saves them even when the live users already match the spec.

`migrate_redis` applies (or, dry-running, lists) the changes; `redis_status` only lists them.
"""

from __future__ import annotations

from datastack.admin_logins import remember_admin_password
from datastack.endpoints import Endpoints
from datastack.errors import RuntimeFailure
from datastack.spec import EnvironmentSpec
from datastack.migrate.report import Change, MigrateOptions, StoreReport

__all__ = ["migrate_redis", "redis_status"]

ACL_UNSAVED_KEY = "datastack:migrate:acl-unsaved"


def migrate_redis(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str],
                  options: MigrateOptions, *, lease_s: float | None = None) -> StoreReport:
    from contextlib import nullcontext

    import redis

    from .connect import admin_client
    from .lock import DEFAULT_LEASE_S, RedisLease

    report = StoreReport(store="redis")
    if spec.services.redis is None:
        return report
    client = admin_client(spec, endpoints, secrets)
    lease = None if options.dry_run else RedisLease(client, timeout_s=options.lock_timeout_s,
                                                     lease_s=lease_s or DEFAULT_LEASE_S, say=options.say)
    try:
        with lease or nullcontext():
            _reconcile(client, spec, secrets, options, report, lease)
    except redis.RedisError as exc:
        raise RuntimeFailure(f"redis migration failed: {exc}", fix="see the redis log; nothing else was changed") from None
    finally:
        client.close()
    return report


def _reconcile(client, spec: EnvironmentSpec, secrets: dict[str, str], options: MigrateOptions, report: StoreReport,
               lease) -> None:
    """Plan from the live server, then (unless dry-running) apply, fencing every write."""
    from datastack.migrate.fault_points import step_boundary
    from .acl import acl_changes, apply_user, desired_users, leftover_probes, undeclared_users
    from .config import config_changes

    def fenced() -> None:
        step_boundary()
        lease.fence()

    wanted = desired_users(spec.services.redis, secrets)
    user_changes = acl_changes(client, wanted)
    extra = undeclared_users(client, wanted)
    settings, values, drift = config_changes(client, spec.services.redis)
    report.drift += drift
    report.planned += [change for change, _ in user_changes] + settings
    prune = [Change(store="redis", target=f"acl user {name}", action="delete_user", detail="not in the spec")
             for name in extra] if options.prune else []
    if not options.dry_run:  # under the lock: no other migrator is comparing; a dry run retries if we race it
        prune += [Change(store="redis", target=f"acl user {name}", action="delete_user",
                         detail="probe left by an interrupted comparison") for name in leftover_probes(client)]
    report.planned += prune
    save_left_undone = not (user_changes or prune) and client.exists(ACL_UNSAVED_KEY)
    save = [Change(store="redis", target="acl file", action="save_acl",
                   detail="an interrupted run left live ACL changes unsaved")] if save_left_undone else []
    report.planned += save
    if not options.prune:
        report.drift += [f"acl user {name} is not in the spec (--prune deletes it)" for name in extra]
    if options.dry_run:
        return
    if user_changes or prune:
        fenced()
        client.set(ACL_UNSAVED_KEY, lease.token)
    for change, want in user_changes:
        fenced()
        apply_user(client, want)
        _applied(report, change, options)
    for change in prune:
        fenced()
        client.execute_command("ACL", "DELUSER", change.target.removeprefix("acl user "))
        _applied(report, change, options)
    if values:
        fenced()
        _config_set(client, values)
        for change in settings:
            _applied(report, change, options)
    if user_changes or prune or save:
        fenced()
        _persist_acl(client, report)
        client.delete(ACL_UNSAVED_KEY)
        for change in save:
            _applied(report, change, options)
    # The admin's password is now the current secret: the one a later rotation logs in with.
    remember_admin_password(spec, spec.services.redis.admin_secret_id, secrets[spec.services.redis.admin_secret_id])


def redis_status(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str]) -> StoreReport:
    report = migrate_redis(spec, endpoints, secrets, MigrateOptions(dry_run=True))
    report.notes.append("in sync with the spec" if not (report.planned or report.drift)
                        else f"{len(report.planned)} change(s) pending: run 'datastack migrate {spec.selector}'")
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
