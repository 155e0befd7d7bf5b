"""PostgreSQL structure drift, pure: compare a live catalog snapshot with the one declared by Alembic at head.

A snapshot (see `roles/postgres/reconcile/catalog_snapshot.py`) is plain JSON:
    {"tables": [name, ...],
     "columns": {table: {column: {"type": "numeric(20,8)", "not_null": true, "default": "0"}}},
     "indexes": {table: {name: "CREATE INDEX ... USING btree (...)"}},
     "constraints": {table: {name: "FOREIGN KEY (...) REFERENCES ...(...) ON DELETE CASCADE"}}}
Each difference is one precise line; objects found live but not declared are flagged, since only a new
Alembic revision (not `datastack migrate`) removes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("tables", "columns", "indexes", "constraints")

_INDEX_SHAPE = re.compile(r"^CREATE (UNIQUE )?INDEX .+? ON (?:ONLY )?\S+ (USING .+)$")
_FK_RULE = re.compile(r" ON (DELETE|UPDATE) (CASCADE|RESTRICT|NO ACTION|SET DEFAULT(?: \([^)]*\))?|SET NULL(?: \([^)]*\))?)")


@dataclass(frozen=True)
class Difference:
    text: str
    undeclared: bool = False  # live but not declared: removed by a new Alembic revision, not by migrate
    restorable: bool = False  # a declared index missing live: migrate recreates it, at head too


def structure_differences(database: str, kind: str, declared: dict, live: dict) -> list[Difference]:
    """Every difference of one kind between the declared and the live snapshot, sorted by object."""
    if kind == "tables":
        return _named(database, "table", set(declared["tables"]), set(live["tables"]))
    common = sorted(set(declared["tables"]) & set(live["tables"]))  # missing tables are the tables check's
    compare = {"columns": _columns, "indexes": _indexes, "constraints": _constraints}[kind]
    return [d for table in common
            for d in compare(f"{database}.{table}", declared[kind].get(table, {}), live[kind].get(table, {}))]


def _named(where: str, what: str, declared: set[str], live: set[str]) -> list[Difference]:
    return ([Difference(f"{where}: {what} {name} missing") for name in sorted(declared - live)]
            + [Difference(f"{where}: {what} {name} not declared", undeclared=True) for name in sorted(live - declared)])


def _columns(where: str, declared: dict, live: dict) -> list[Difference]:
    found = _named(where, "column", set(declared), set(live))
    for name in sorted(set(declared) & set(live)):
        want, have = declared[name], live[name]
        if have["type"] != want["type"]:
            found.append(Difference(f"{where}.{name}: type {have['type']} != declared {want['type']}"))
        if have["not_null"] != want["not_null"]:
            found.append(Difference(f"{where}.{name}: {_nullability(have)} != declared {_nullability(want)}"))
        if have["default"] != want["default"]:
            found.append(Difference(f"{where}.{name}: default {have['default'] or 'none'} "
                                    f"!= declared {want['default'] or 'none'}"))
    return found


def _nullability(column: dict) -> str:
    return "NOT NULL" if column["not_null"] else "NULL"


def _indexes(where: str, declared: dict, live: dict) -> list[Difference]:
    found = [Difference(d.text, d.undeclared, restorable=not d.undeclared)
             for d in _named(where, "index", set(declared), set(live))]
    found += [Difference(f"{where}: index {name} {index_shape(live[name])} != declared {index_shape(declared[name])}")
              for name in sorted(set(declared) & set(live)) if live[name] != declared[name]]
    return found


def index_shape(definition: str) -> str:
    """`CREATE UNIQUE INDEX x ON t USING btree (a)` -> `UNIQUE USING btree (a)`: what the index is, without its name."""
    match = _INDEX_SHAPE.match(definition)
    return f"{match.group(1) or ''}{match.group(2)}" if match else definition


def _constraints(where: str, declared: dict, live: dict) -> list[Difference]:
    found = _named(where, "constraint", set(declared), set(live))
    for name in sorted(set(declared) & set(live)):
        if live[name] != declared[name]:
            found += [Difference(f"{where}: constraint {name} {line}") for line in _constraint_change(declared[name], live[name])]
    return found


def _constraint_change(declared: str, live: str) -> list[str]:
    """A foreign key whose only change is a referential action says just that; anything else shows both definitions."""
    want_rules, have_rules = fk_rules(declared), fk_rules(live)
    if _FK_RULE.sub("", declared) == _FK_RULE.sub("", live):
        return [f"ON {event} {have_rules[event]} != declared {want_rules[event]}"
                for event in ("DELETE", "UPDATE") if have_rules[event] != want_rules[event]]
    return [f"{live} != declared {declared}"]


def fk_rules(definition: str) -> dict[str, str]:
    """ON DELETE / ON UPDATE actions of a constraint definition; PostgreSQL omits NO ACTION."""
    rules = {"DELETE": "NO ACTION", "UPDATE": "NO ACTION"}
    rules.update({event: action for event, action in _FK_RULE.findall(definition)})
    return rules


def structure_fix(differences: list[Difference], *, at_head: bool, migrate: str, alembic_dir: str) -> str:
    """What repairs these differences. `datastack migrate` applies the revisions not yet applied and, at head,
    recreates missing indexes; other drift at head needs a hand repair or a new revision."""
    if not at_head:
        return f"{migrate} (the database is not at its Alembic head)"
    fixes = []
    if any(d.restorable for d in differences):
        fixes.append(f"{migrate} recreates missing indexes from the revisions in {alembic_dir}")
    if any(not d.undeclared and not d.restorable for d in differences):
        fixes.append(f"recreate it as the revisions in {alembic_dir} declare it, by hand or in a new Alembic revision "
                     f"('{migrate}' alone does not: the database is already at head)")
    if any(d.undeclared for d in differences):
        fixes.append(f"objects not declared must be removed by a new Alembic revision in {alembic_dir} "
                     f"(DROP ... IF EXISTS), then {migrate}")
    return "; ".join(fixes)
