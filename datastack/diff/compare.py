"""Compare two environment snapshots: a flat list of differences, each one line for people and a record for --json.

Each store compares its own part (`Store.compare`, in roles/<store>/diff.py) with `keyed`: entries on one side
only, then entries that differ.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from typing import Any

from ..services import store_of

ABSENT = "absent"


@dataclass(frozen=True)
class Difference:
    store: str
    where: str  # e.g. <database>.<collection> index <name>
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


def keyed(store: str, where: str, a: dict, b: dict, kind: str, out: list[Difference], compare=None) -> None:
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
        found: list[Difference] = []
        store_of(store).compare(a[store], b[store], found)
        out += [replace(d, store=store) for d in found]  # an instance's differences name the instance
    return out
