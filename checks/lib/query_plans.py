"""Read query plans: which stages a MongoDB queryPlanner or a PostgreSQL EXPLAIN (FORMAT JSON) plan uses.

Pure functions over the servers' documented JSON, so they are unit-tested on recorded plans. MongoDB
plans nest through inputStage / inputStages (classic) and queryPlan (slot-based engine, 7.0);
PostgreSQL plans through "Plans".
"""

from __future__ import annotations

from typing import Any

PG_SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Index Scan", "Bitmap Heap Scan"}


def mongo_stages(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every stage of a winning plan, depth first."""
    found = [plan] if "stage" in plan else []
    for key in ("queryPlan", "inputStage"):
        if isinstance(plan.get(key), dict):
            found += mongo_stages(plan[key])
    for child in plan.get("inputStages") or []:
        found += mongo_stages(child)
    return found


def mongo_plan_summary(explain: dict[str, Any]) -> tuple[list[str], str]:
    """(indexes scanned, a one-line description like 'IXSCAN user_id_1_symbol_1' or 'COLLSCAN')."""
    winning = explain.get("queryPlanner", {}).get("winningPlan", {})
    stages = mongo_stages(winning)
    indexes = [s["indexName"] for s in stages if s.get("stage") in ("IXSCAN", "EXPRESS_IXSCAN", "IDHACK") and s.get("indexName")]
    if any(s.get("stage") == "IDHACK" for s in stages) and not indexes:
        indexes = ["_id_"]
    described = [f"{s['stage']} {s['indexName']}" if s.get("indexName") else s["stage"] for s in stages
                 if s.get("stage") in ("COLLSCAN", "IXSCAN", "EXPRESS_IXSCAN", "IDHACK", "CLUSTERED_IXSCAN")]
    return indexes, ", ".join(described) or (winning.get("stage") or "no plan")


def pg_nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = [node]
    for child in node.get("Plans") or []:
        found += pg_nodes(child)
    return found


def pg_plan_summary(explain: list[dict[str, Any]] | dict[str, Any]) -> tuple[list[str], str]:
    """(indexes used, 'Seq Scan on positions' / 'Index Scan using idx on positions')."""
    root = (explain[0] if isinstance(explain, list) else explain)["Plan"]
    nodes = [n for n in pg_nodes(root) if n.get("Node Type") in PG_SCANS]
    indexes = [n["Index Name"] for n in nodes if n.get("Index Name")]
    described = []
    for n in nodes:
        using = f" using {n['Index Name']}" if n.get("Index Name") else ""
        on = f" on {n['Relation Name']}" if n.get("Relation Name") else ""
        described.append(f"{n['Node Type']}{using}{on}")
    return indexes, ", ".join(described) or root.get("Node Type", "no plan")
