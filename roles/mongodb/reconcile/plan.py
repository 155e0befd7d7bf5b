"""Compare declared and live state and produce the ordered change plan for one database.

Pure: takes the schema, the declared users and the live state; returns steps (a `Change` and the
function that makes it) plus drift left alone. Order: collections, collMod, indexes, roles, users, seeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from datastack.migrate.report import Change, MigrateOptions
from roles.mongodb.spec import MongoUser
from .compare import (
    COLLMOD_INDEX_OPTIONS,
    is_implicit_index,
    option_differences,
    same_keys,
    shape_differences,
    validator_differences,
)
from .live import LiveState, plain
from .passwords import fingerprint_matches
from .schema import CollectionSpec, DatabaseSchema, IndexSpec
from .writer import Writer


@dataclass
class Step:
    change: Change
    run: Callable[[Writer], None]


@dataclass
class Plan:
    database: str
    steps: list[Step] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)

    def add(self, target: str, action: str, detail: str, run: Callable[[Writer], None]) -> None:
        self.steps.append(Step(Change(store="mongodb", target=f"{self.database}.{target}", action=action, detail=detail), run))


@dataclass(frozen=True)
class DeclaredUser:
    user: MongoUser
    password: str


def plan_database(
    database: str,
    schema: DatabaseSchema,
    users: list[DeclaredUser],
    live: LiveState,
    options: MigrateOptions,
) -> Plan:
    plan = Plan(database)
    _plan_collections(plan, schema, live)
    _plan_indexes(plan, schema, live, options)
    _plan_roles(plan, database, schema, live, options)
    _plan_users(plan, database, users, live, options)
    _plan_seeds(plan, schema, live)
    return plan


def plan_logins(database: str, schema: DatabaseSchema, users: list[DeclaredUser], live: LiveState,
                options: MigrateOptions) -> Plan:
    """Only the roles and users (what an engine reconciles right after the server starts)."""
    plan = Plan(database)
    _plan_roles(plan, database, schema, live, options)
    _plan_users(plan, database, users, live, options)
    return plan


def _plan_collections(plan: Plan, schema: DatabaseSchema, live: LiveState) -> None:
    for name, spec in schema.collections.items():
        have = live.collections.get(name)
        if have is None:
            kind = "time-series" if spec.timeseries else "capped" if spec.capped else "collection"
            plan.add(name, "create_collection", kind, lambda w, n=name, s=spec: w.create_collection(n, s.create_options()))
            continue
        for problem in shape_differences(spec, have):
            plan.drift.append(f"{plan.database}.{name}: {problem} (needs a new collection; datastack never drops one)")
        if validator_differences(spec, have):
            fields = ", ".join(validator_differences(spec, have))
            plan.add(name, "coll_mod", f"validator ({fields})", lambda w, n=name, s=spec: w.coll_mod(n, **_validator_options(s)))
        ttl = have.options.get("expireAfterSeconds")
        if spec.timeseries and ttl != spec.expireAfterSeconds:
            value = spec.expireAfterSeconds if spec.expireAfterSeconds is not None else "off"
            plan.add(name, "coll_mod", f"expireAfterSeconds {ttl} -> {value}",
                     lambda w, n=name, v=value: w.coll_mod(n, expireAfterSeconds=v))


def _validator_options(spec: CollectionSpec) -> dict[str, Any]:
    if spec.validator is None:
        return {"validator": {}, "validationLevel": "strict", "validationAction": "error"}
    return {"validator": spec.validator, "validationLevel": spec.validationLevel, "validationAction": spec.validationAction}


def _plan_indexes(plan: Plan, schema: DatabaseSchema, live: LiveState, options: MigrateOptions) -> None:
    for name, spec in schema.collections.items():
        have = live.collections.get(name)
        live_indexes = [ix for ix in (have.indexes if have else []) if ix["name"] != "_id_"]
        matched: set[str] = set()
        to_create: list[IndexSpec] = []
        for index in spec.indexes:
            _plan_index(plan, name, index, live_indexes, matched, to_create, options)
        if to_create:
            names = ", ".join(ix.name for ix in to_create)
            plan.add(name, "create_index", names, lambda w, n=name, ixs=tuple(to_create): w.create_indexes(n, ixs))
        for extra in live_indexes:
            if extra["name"] in matched or is_implicit_index(extra, have):
                continue
            if options.prune:
                plan.add(name, "drop_index", f"{extra['name']} (not declared)", lambda w, n=name, x=extra["name"]: w.drop_index(n, x))
            else:
                plan.drift.append(f"{plan.database}.{name}: index {extra['name']} is not declared (dropped with --prune)")


def _plan_index(plan, collection, index: IndexSpec, live_indexes, matched, to_create, options) -> None:
    by_name = next((ix for ix in live_indexes if ix["name"] == index.name), None)
    same = _same_keys_match(index, live_indexes, matched)
    if same is None:
        if by_name is not None:  # the name is taken by other keys
            matched.add(by_name["name"])
            _drift_or_rebuild(plan, collection, index, by_name, f"keys {by_name['key']} instead of {dict(index.keys)}", options)
        else:
            to_create.append(index)
        return
    matched.add(same["name"])
    diffs = option_differences(index, same)
    if same["name"] != index.name:
        plan.drift.append(f"{plan.database}.{collection}: index {index.name} exists as {same['name']}")
    if not diffs:
        return
    collmod = {k: v for k, v in diffs.items() if k in COLLMOD_INDEX_OPTIONS and not (k == "expireAfterSeconds" and None in v)}
    rest = {k: v for k, v in diffs.items() if k not in collmod}
    if collmod and not rest:
        detail = ", ".join(f"{k} {live!r} -> {want!r}" for k, (want, live) in collmod.items())
        change = {k: (want if want is not None else False) for k, (want, _) in collmod.items()}
        plan.add(collection, "coll_mod", f"index {same['name']}: {detail}",
                 lambda w, n=collection, x=same["name"], c=change: w.coll_mod(n, index={"name": x, **c}))
        return
    detail = "; ".join(f"{k}: declared {want!r}, live {live!r}" for k, (want, live) in diffs.items())
    _drift_or_rebuild(plan, collection, index, same, detail, options)


def _same_keys_match(index: IndexSpec, live_indexes: list[dict], matched: set[str]) -> dict | None:
    """Not by name alone: prefer the same name, then identical options, then any index on the same keys."""
    candidates = [ix for ix in live_indexes if ix["name"] not in matched and same_keys(index, ix)]
    for prefer in (lambda ix: ix["name"] == index.name, lambda ix: not option_differences(index, ix), lambda ix: True):
        for ix in candidates:
            if prefer(ix):
                return ix
    return None


def _drift_or_rebuild(plan: Plan, collection: str, index: IndexSpec, live: dict, detail: str, options: MigrateOptions) -> None:
    if options.rebuild_indexes:
        plan.add(collection, "rebuild_index", f"{index.name}: {detail}",
                 lambda w, n=collection, old=live["name"], ix=index: w.rebuild_index(n, old, ix))
    else:
        plan.drift.append(f"{plan.database}.{collection}: index {index.name} differs ({detail}); rebuilt with --rebuild-indexes")


def _plan_roles(plan: Plan, database: str, schema: DatabaseSchema, live: LiveState, options: MigrateOptions) -> None:
    for role in schema.roles:
        privileges = [
            {"resource": {"db": database, "collection": p.collection}, "actions": sorted(p.actions)} for p in role.privileges
        ]
        inherited = [{"role": r, "db": database} for r in role.roles]
        have = live.roles.get(role.name)
        if have is None:
            plan.add(f"role {role.name}", "create_role", "",
                     lambda w, n=role.name, p=privileges, i=inherited: w.create_role(n, p, i))
        elif _privileges_key(have.privileges) != _privileges_key(privileges) or have.roles != {(r["role"], r["db"]) for r in inherited}:
            plan.add(f"role {role.name}", "update_role", "privileges or inherited roles differ",
                     lambda w, n=role.name, p=privileges, i=inherited: w.update_role(n, p, i))
    for name in sorted(set(live.roles) - {r.name for r in schema.roles}):
        if options.prune:
            plan.add(f"role {name}", "drop_role", "not declared", lambda w, n=name: w.drop_role(n))
        else:
            plan.drift.append(f"{database}: role {name} is not declared (dropped with --prune)")


def _privileges_key(privileges: list[dict]) -> list[tuple]:
    return sorted(
        (p["resource"].get("db", ""), p["resource"].get("collection", ""), tuple(sorted(p["actions"]))) for p in privileges
    )


def _plan_users(plan: Plan, database: str, users: list[DeclaredUser], live: LiveState, options: MigrateOptions) -> None:
    for declared in users:
        user = declared.user
        roles = [{"role": g.role, "db": g.db or database} for g in user.grants(database)]
        want = {(r["role"], r["db"]) for r in roles}
        have = live.users.get(user.name)
        if have is None:
            plan.add(f"user {user.name}", "create_user", f"roles {sorted(r for r, _ in want)}",
                     lambda w, u=user.name, p=declared.password, r=roles: w.create_user(u, p, r))
            continue
        if have.roles != want:
            plan.add(f"user {user.name}", "update_user", f"roles {sorted(have.roles)} -> {sorted(want)}",
                     lambda w, u=user.name, r=roles: w.update_user_roles(u, r))
        stored = live.fingerprints.get(user.name)
        if not fingerprint_matches(stored, declared.password):
            why = "the spec's secret changed" if stored else "set once from the spec: no fingerprint yet"
            plan.add(f"user {user.name}", "update_user", f"password ({why})",
                     lambda w, u=user.name, p=declared.password: w.update_user_password(u, p))
    for name in sorted(set(live.users) - {d.user.name for d in users}):
        if options.prune:
            plan.add(f"user {name}", "drop_user", "not declared", lambda w, n=name: w.drop_user(n))
        else:
            plan.drift.append(f"{database}: user {name} is not declared (dropped with --prune)")


def _plan_seeds(plan: Plan, schema: DatabaseSchema, live: LiveState) -> None:
    """One step per seeded collection, written as one bulk write: requests do not grow with documents."""
    for collection, docs in schema.seeds.items():
        have = live.seeds.get(collection, {})
        todo: list[tuple[str, str, dict, list[str]]] = []
        for doc in docs:
            managed = schema.managed_fields(collection, doc)
            current = have.get(doc["_id"])
            if current is None:
                todo.append(("insert_seed", f"_id {doc['_id']!r}", doc, managed))
                continue
            stale = sorted(k for k in managed if current.get(k) != plain(doc[k]))
            if stale:
                todo.append(("update_seed", f"_id {doc['_id']!r}: {', '.join(stale)}", doc, managed))
        if not todo:
            continue
        actions = {action for action, *_ in todo}
        action = actions.pop() if len(actions) == 1 else "upsert_seed"
        batch = [(doc, managed) for *_, doc, managed in todo]
        plan.add(collection, action, "; ".join(detail for _, detail, *_ in todo),
                 lambda w, n=collection, b=batch: w.upsert_seeds(n, b))
