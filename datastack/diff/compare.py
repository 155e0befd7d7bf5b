"""Compare two environment snapshots: a flat list of differences, each one line for people and a record for --json.

When two PostgreSQL databases sit at different Alembic revisions, their structures differ because of it:
that is reported as one difference (the revision), with the structural changes counted in its detail,
rather than as a table-by-table list that would bury the cause.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

ABSENT = "absent"


@dataclass(frozen=True)
class Difference:
    store: str
    where: str  # e.g. bot_core.positions index user_id_1_symbol_1
    what: str   # e.g. "options differ", "only in staging"
    a: Any
    b: Any
    detail: str = ""

    def line(self, name_a: str, name_b: str) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.store} {self.where}: {self.what}{detail} — {name_a}: {_show(self.a)} | {name_b}: {_show(self.b)}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 160 else text[:157] + "..."


def _keyed(store: str, where: str, a: dict, b: dict, kind: str, out: list[Difference], compare=None) -> None:
    """Entries present on one side only, then entries whose values differ (or `compare` them deeper)."""
    for key in sorted(set(a) | set(b), key=str):
        label = f"{where}{kind} {key}".strip()
        if key not in b:
            out.append(Difference(store, label, "only in the first", a[key] if not isinstance(a[key], dict) else "present", ABSENT))
        elif key not in a:
            out.append(Difference(store, label, "only in the second", ABSENT, b[key] if not isinstance(b[key], dict) else "present"))
        elif compare is not None:
            compare(key, a[key], b[key])
        elif a[key] != b[key]:
            out.append(Difference(store, label, "differs", a[key], b[key]))


def compare_snapshots(a: dict[str, Any], b: dict[str, Any]) -> list[Difference]:
    out: list[Difference] = []
    for store in sorted(set(a) | set(b)):
        if store not in a or store not in b:
            out.append(Difference(store, "service", "declared on one side only", "present" if store in a else ABSENT,
                                  "present" if store in b else ABSENT))
            continue
        {"mongodb": _mongodb, "postgres": _postgres, "redis": _redis}[store](a[store], b[store], out)
    return out


def _mongodb(a: dict, b: dict, out: list[Difference]) -> None:
    def database(name: str, da: dict, db: dict) -> None:
        def collection(coll: str, ca: dict, cb: dict) -> None:
            _keyed("mongodb", f"{name}.{coll}", ca["options"], cb["options"], " option", out)
            _keyed("mongodb", f"{name}.{coll}", ca["indexes"], cb["indexes"], " index", out)

        _keyed("mongodb", f"{name}", da["collections"], db["collections"], " collection", out, collection)
        _keyed("mongodb", f"{name}", da["users"], db["users"], " user", out)
        _keyed("mongodb", f"{name}", da["roles"], db["roles"], " role", out)

    _keyed("mongodb", "", a, b, "database", out, database)


def _postgres(a: dict, b: dict, out: list[Difference]) -> None:
    _keyed("postgres", "", a.get("roles", {}), b.get("roles", {}), "role", out)

    def database(name: str, da: dict, db: dict) -> None:
        sa, sb = da["structure"], db["structure"]
        if da["revision"] != db["revision"]:
            changed: list[Difference] = []
            _structure(name, sa, sb, changed)
            out.append(Difference("postgres", f"{name} alembic revision", "differs", da["revision"] or "none", db["revision"] or "none",
                                  f"{len(changed)} structural differences follow from it" if changed else "same structure"))
        else:
            _structure(name, sa, sb, out)

    _keyed("postgres", "", {k: v for k, v in a.items() if k != "roles"}, {k: v for k, v in b.items() if k != "roles"},
           "database", out, database)


def _structure(name: str, a: dict, b: dict, out: list[Difference]) -> None:
    tables = {t: None for t in a["tables"]}, {t: None for t in b["tables"]}
    _keyed("postgres", name, *tables, " table", out)
    common = set(a["tables"]) & set(b["tables"])
    for kind in ("columns", "indexes", "constraints"):
        for table in sorted(common):
            _keyed("postgres", f"{name}.{table}", a[kind].get(table, {}), b[kind].get(table, {}), f" {kind[:-1] if kind != 'indexes' else 'index'}", out)


def _redis(a: dict, b: dict, out: list[Difference]) -> None:
    _keyed("redis", "", a["acl"], b["acl"], "ACL user", out)
    _keyed("redis", "", a["config"], b["config"], "config", out)
