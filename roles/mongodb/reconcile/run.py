"""Migrate, report on, or roll back one environment's MongoDB databases.

A run reads and plans without the lock; when nothing is to be done it stops there (zero writes).
Otherwise it takes the database's lease, plans again (another migrator may have finished the job
while we waited), applies the reconciler's steps, then the pending versioned migrations. Every step
is fenced first (`Lease.fence`): a migrator that lost its lease stops before its next write.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from datastack.admin_logins import admin_login, remember_admin_password
from roles.mongodb.login import mongo_login, mongo_uri
from datastack.endpoints import Endpoints
from datastack.errors import RuntimeFailure, UserError
from datastack.paths import MIGRATIONS_DIR
from datastack.spec import EnvironmentSpec
from datastack.migrate.report import Change, MigrateOptions, StoreReport
from . import versions
from datastack.migrate.fault_points import step_boundary
from .lease import DEFAULT_LEASE_S, Lease
from .live import read_live_state
from .plan import DeclaredUser, Plan, plan_database, plan_logins
from .schema import DatabaseSchema
from .schema_file import load_schemas, schema_path
from .writer import Writer

DEFAULT_CONNECT_TIMEOUT_S = 10.0


@dataclass
class Target:
    """Everything one database's run needs."""

    name: str
    schema: DatabaseSchema
    users: list[DeclaredUser]
    migrations_dir: Path


def targets(spec: EnvironmentSpec, secrets: dict[str, str]) -> list[Target]:
    mongo = spec.services.mongodb
    if mongo is None:
        return []
    schemas = load_schemas(spec)
    found = []
    for name, db in mongo.databases.items():
        users = [DeclaredUser(u, secrets[mongo.user_secret_id(name, u.name)]) for u in db.users]
        directory = schema_path(db.schema_file).parent if db.schema_file else MIGRATIONS_DIR / "mongodb" / name
        found.append(Target(name, schemas[name], users, directory))
    return found


AUTHENTICATION_FAILED = 18


@contextmanager
def connect(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], timeout_s: float,
            options: MigrateOptions | None = None):
    """A client logged in as the MongoDB administrator, or RuntimeFailure after a bounded wait.

    A rotated admin secret: the last accepted password logs in, and (unless dry-running) the current one is set."""
    from pymongo import MongoClient
    from pymongo.errors import ConfigurationError, ConnectionFailure, OperationFailure

    from ..exit_wait import skip_exit_join_when_all_closed

    skip_exit_join_when_all_closed()
    if endpoints.mongodb is None:
        raise UserError("the endpoints name no MongoDB", fix=f"run 'datastack up {spec.selector}' first")
    mongo = spec.services.mongodb
    login = mongo_login(spec, secrets)
    hosts = endpoints.mongodb.where()

    def log_in(password: str):
        uri = mongo_uri(endpoints, replace(login, password=password), timeout_ms=int(timeout_s * 1000))
        client = MongoClient(uri, connectTimeoutMS=int(timeout_s * 1000), appname="datastack-migrate")
        try:
            client.admin.command("ping")
        except BaseException:
            client.close()
            raise
        return client

    def refused(exc: BaseException) -> bool:
        return isinstance(exc, OperationFailure) and exc.code == AUTHENTICATION_FAILED

    try:
        client, rotated = admin_login(spec, mongo.admin_secret_id, login.password, log_in, refused, store="mongodb")
    except OperationFailure as exc:
        raise RuntimeFailure(f"MongoDB at {hosts} refused the administrator login ({exc.code})",
                             fix="check the admin secret matches the server (datastack up bootstraps it)") from None
    except (ConnectionFailure, ConfigurationError) as exc:  # ConfigurationError: a mongodb+srv:// name did not resolve
        answer = (f"did not answer within {timeout_s:.0f} s" if isinstance(exc, ConnectionFailure)
                  else "could not be found (its mongodb+srv:// name did not resolve)")
        raise RuntimeFailure(f"MongoDB at {hosts} {answer}",
                             fix=endpoints.mongodb.unreachable_fix(spec)) from None
    try:
        if rotated:
            _rotate_admin(client, spec, login, options or MigrateOptions(), replica_set=bool(endpoints.mongodb.replica_set))
        yield client
    finally:
        client.close()


def _rotate_admin(client, spec: EnvironmentSpec, login, options: MigrateOptions, *, replica_set: bool) -> None:
    if options.dry_run:
        options.say(f"mongodb admin.{login.user}: the admin secret changed; 'datastack migrate {spec.selector}' sets it")
        return
    Writer(client, "admin", replica_set=replica_set).update_user_password(login.user, login.password)
    remember_admin_password(spec, spec.services.mongodb.admin_secret_id, login.password)
    options.say(f"mongodb admin.{login.user}: password rotated")


def reconcile_logins(client, target: Target, options: MigrateOptions, *, replica_set: bool) -> StoreReport:
    """The declared roles and users of one database, without the lease: every write is idempotent."""
    live = read_live_state(client, target.name, target.schema)
    plan = plan_logins(target.name, target.schema, target.users, live, options)
    report = StoreReport(store="mongodb", database=target.name, planned=[s.change for s in plan.steps])
    if options.dry_run:
        return report
    writer = Writer(client, target.name, replica_set=replica_set)
    for step in plan.steps:
        options.say(f"{step.change.target}: {step.change.action} {step.change.detail}".rstrip())
        _run_step(lambda: step.run(writer), step.change)
        report.applied.append(step.change.model_copy(update={"applied": True}))
    return report


def migrate_database(client, target: Target, options: MigrateOptions, *, replica_set: bool,
                     lease_s: float = DEFAULT_LEASE_S) -> StoreReport:
    files = versions.discover(target.migrations_dir)
    plan, todo = _plan(client, target, files, options)
    report = StoreReport(store="mongodb", database=target.name)
    if options.dry_run or not (plan.steps or todo.to_apply or todo.checksum_changed):
        return _fill(report, plan, todo, files, applied=[], client=client, target=target)
    writer = Writer(client, target.name, replica_set=replica_set)
    with Lease(client, target.name, timeout_s=options.lock_timeout_s, lease_s=lease_s, say=options.say,
               write_concern=writer.db.write_concern) as lease:
        if versions.adopt_legacy_ledger(writer.db, lease):
            options.say(f"{target.name}: moved the ledger to {versions.STATE_DATABASE}.{versions.LEDGER}")
        plan, todo = _plan(client, target, files, options)  # again: the job may be done by now
        applied = _apply(writer, plan, todo, files, options, lease)
    return _fill(report, plan, todo, files, applied=applied, client=client, target=target)


def _plan(client, target: Target, files, options: MigrateOptions):
    live = read_live_state(client, target.name, target.schema)
    plan = plan_database(target.name, target.schema, target.users, live, options)
    todo = versions.pending(files, versions.read_ledger(client[target.name]))
    if todo.checksum_changed and not options.repair:
        changed = todo.checksum_changed[0]
        raise UserError(f"migration {changed.name} changed after it was applied to {target.name}",
                        where=str(changed.path), fix="restore the file, or run migrate --repair to accept the new checksum")
    if not options.repair and not options.dry_run:
        for migration in todo.interrupted:
            if not versions.is_idempotent(migration):
                raise UserError(f"migration {migration.name} was interrupted inside up() on {target.name}, "
                                "and it declares IDEMPOTENT = False", where=str(migration.path),
                                fix="look at what the interrupted run changed (undo it if needed), then run migrate --repair to run it again")
    return plan, todo


def _apply(writer: Writer, plan: Plan, todo, files, options: MigrateOptions, lease: Lease) -> list[Change]:
    applied: list[Change] = []
    for step in plan.steps:
        step_boundary()
        lease.fence()
        options.say(f"{step.change.target}: {step.change.action} {step.change.detail}".rstrip())
        _run_step(lambda: step.run(writer), step.change)
        applied.append(step.change.model_copy(update={"applied": True}))
    for migration in todo.checksum_changed:
        versions.accept_checksum(writer.db, migration, lease)
        applied.append(_migration_change(target=writer.database, name=migration.name, action="repair_checksum", applied=True))
    for migration in todo.to_apply:
        step_boundary()
        options.say(f"{writer.database}: migration {migration.name}")
        change = _migration_change(writer.database, migration.name, "apply_migration", applied=True)
        duration = _run_step(lambda: versions.apply_migration(writer.db, migration, lease), change)
        applied.append(change.model_copy(update={"detail": f"{duration:.3f} s"}))
    return applied


def _run_step(fn, change: Change):
    from pymongo.errors import PyMongoError

    try:
        return fn()
    except PyMongoError as exc:
        raise RuntimeFailure(f"{change.target}: {change.action} failed: {_short(exc)}",
                             fix="correct the cause and run migrate again; finished steps are not repeated") from None


def _short(exc) -> str:
    details = getattr(exc, "details", None) or {}
    return str(details.get("errmsg") or exc).splitlines()[0][:300]


def _migration_change(target: str, name: str, action: str, applied: bool = False) -> Change:
    return Change(store="mongodb", target=f"{target}.migration {name}", action=action, applied=applied)


def _fill(report: StoreReport, plan: Plan, todo, files, *, applied, client, target: Target) -> StoreReport:
    report.planned = [s.change for s in plan.steps]
    report.planned += [_migration_change(target.name, m.name, "apply_migration") for m in todo.to_apply]
    report.planned += [_migration_change(target.name, m.name, "repair_checksum") for m in todo.checksum_changed]
    report.applied = applied
    report.drift = list(plan.drift) + [f"{target.name}: ledger names migration {n}, which has no file" for n in todo.missing_files]
    ledger = versions.read_ledger(client[target.name]) if applied else None
    current = versions.current_revision(ledger) if ledger is not None else _current_without_new(files, todo)
    report.revision = {"current": current, "head": files[-1].name if files else None}
    return report


def _current_without_new(files, todo) -> str | None:
    pending_names = {m.name for m in todo.to_apply}
    done = [f.name for f in files if f.name not in pending_names]
    return done[-1] if done else None


def roll_back_database(client, target: Target, to: str, options: MigrateOptions, *, replica_set: bool,
                       lease_s: float = DEFAULT_LEASE_S) -> StoreReport:
    if not (to.isdigit() and len(to) <= 4):
        raise UserError(f"--to {to!r} is not a migration number", fix="give the number to keep, e.g. --to 0001 (0000 undoes all)")
    to = to.zfill(4)
    files = versions.discover(target.migrations_dir)
    by_name = {f.name: f for f in files}
    report = StoreReport(store="mongodb", database=target.name)
    writer = Writer(client, target.name, replica_set=replica_set)
    ledger = versions.read_ledger(writer.db)
    undo = _to_undo(ledger, to, by_name, target)
    report.planned = [_migration_change(target.name, n, "rollback_migration") for n in undo]
    if not options.dry_run and undo:
        with Lease(client, target.name, timeout_s=options.lock_timeout_s, lease_s=lease_s, say=options.say,
                   write_concern=writer.db.write_concern) as lease:
            versions.adopt_legacy_ledger(writer.db, lease)
            undo = _to_undo(versions.read_ledger(writer.db), to, by_name, target)  # again, under the lock
            for name in undo:
                options.say(f"{target.name}: rolling back {name}")
                change = _migration_change(target.name, name, "rollback_migration", applied=True)
                _run_step(lambda: versions.roll_back(writer.db, by_name[name], lease), change)
                report.applied.append(change)
        ledger = versions.read_ledger(writer.db)
    report.revision = {"current": versions.current_revision(ledger), "head": files[-1].name if files else None}
    return report


def _to_undo(ledger: dict[str, dict], to: str, by_name, target: Target) -> list[str]:
    """Ledger entries above `to`, newest first; each needs its file for down()."""
    undo = sorted((n for n, doc in ledger.items() if doc.get("number", n[:4]) > to), reverse=True)
    missing = [n for n in undo if n not in by_name]
    if missing:
        raise UserError(f"cannot roll back {missing[0]}: its file is gone", where=str(target.migrations_dir),
                        fix="restore the file from version control")
    return undo
