"""Independent check of a migrated Bot Core database with plain pymongo: expectations typed in from the
seed report (seeds/004), not read from datastack's schema file.

    python verify_bot_core.py 'mongodb://admin:...@127.0.0.1:27117/?authSource=admin&directConnection=true' bot_core
Prints one line per problem and exits 1 when any is found.
"""

from __future__ import annotations

import sys

from pymongo import MongoClient

COLLECTIONS = [
    "api_keys", "audit_logs", "ai_analysis_results", "ai_signals", "market_data", "market_indicators", "ml_models",
    "model_performance_history", "notifications", "paper_trading_accounts", "paper_trading_settings",
    "paper_trading_trades", "performance_metrics", "portfolio_history", "portfolio_snapshots", "positions",
    "predictions", "risk_metrics", "sessions", "strategy_configs", "system_config", "trades", "training_jobs", "users",
]
DAY = 86400
# (collection, keys, options) exactly as the report lists them (migration 002 and the market data migration).
INDEXES = [
    ("positions", [("user_id", 1), ("symbol", 1)], {"unique": True}),
    ("positions", [("is_open", 1), ("user_id", 1)], {}),
    ("positions", [("user_id", 1), ("created_at", -1)], {}),
    ("positions", [("symbol", 1), ("is_open", 1), ("created_at", -1)], {}),
    ("positions", [("unrealized_pnl", -1)], {"sparse": True}),
    ("positions", [("closed_at", 1)], {"expireAfterSeconds": 90 * DAY}),
    ("positions", [("is_open", 1), ("symbol", 1), ("user_id", 1)], {}),
    ("risk_metrics", [("user_id", 1), ("metric_type", 1), ("created_at", -1)], {}),
    ("risk_metrics", [("metric_type", 1), ("timeframe", 1), ("created_at", -1)], {}),
    ("risk_metrics", [("created_at", 1)], {"expireAfterSeconds": 180 * DAY}),
    ("strategy_configs", [("user_id", 1), ("strategy_name", 1)], {}),
    ("strategy_configs", [("is_active", 1), ("user_id", 1)], {}),
    ("strategy_configs", [("symbols", 1)], {}),
    ("strategy_configs", [("updated_at", -1)], {}),
    ("sessions", [("session_token", 1)], {"unique": True}),
    ("sessions", [("user_id", 1), ("created_at", -1)], {}),
    ("sessions", [("expires_at", 1)], {"expireAfterSeconds": 0}),
    ("sessions", [("last_activity", -1)], {}),
    ("api_keys", [("key_hash", 1)], {"unique": True}),
    ("api_keys", [("user_id", 1), ("exchange", 1)], {}),
    ("api_keys", [("is_active", 1), ("user_id", 1)], {}),
    ("api_keys", [("expires_at", 1)], {"sparse": True}),
    ("notifications", [("user_id", 1), ("created_at", -1)], {}),
    ("notifications", [("is_read", 1), ("user_id", 1), ("created_at", -1)], {}),
    ("notifications", [("notification_type", 1), ("severity", 1), ("created_at", -1)], {}),
    ("notifications", [("created_at", 1)], {"expireAfterSeconds": 30 * DAY}),
    ("performance_metrics", [("user_id", 1), ("date", -1)], {}),
    ("performance_metrics", [("date", -1), ("metric_type", 1)], {}),
    ("performance_metrics", [("date", 1)], {"expireAfterSeconds": 365 * DAY}),
    ("trades", [("user_id", 1), ("status", 1), ("created_at", -1)], {}),
    ("trades", [("created_at", 1)], {"expireAfterSeconds": 365 * DAY}),
    ("portfolio_snapshots", [("user_id", 1), ("created_at", -1)], {}),
    ("market_indicators", [("symbol", 1), ("indicator_type", 1), ("timestamp", -1)], {}),
    ("market_indicators", [("indicator_type", 1), ("timeframe", 1), ("timestamp", -1)], {}),
    ("market_indicators", [("timestamp", 1)], {"expireAfterSeconds": 90 * DAY}),
    ("predictions", [("created_at", 1)], {"expireAfterSeconds": 90 * DAY}),
    ("users", [("email", 1)], {"unique": True}),
]
SEED_IDS = [
    "global_config", "rate_limits", "risk_limits", "trading_pairs", "strategy_templates", "notification_templates",
    "risk_thresholds", "feature_flags", "exchange_config", "ai_service_config", "ml_model_templates", "indicator_presets",
]
USERS = {"_admin": {"dbOwner", "readWrite"}, "_app": {"readWrite"}, "_readonly": {"read"}}
EMAIL_PATTERN = "^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$"


def problems(client: MongoClient, database: str, user_prefix: str) -> list[str]:
    db = client[database]
    found: list[str] = []
    infos = {c["name"]: c for c in db.list_collections()}
    found += [f"missing collection {c}" for c in COLLECTIONS if c not in infos]
    for coll, keys, options in INDEXES:
        if coll not in infos:
            continue
        match = [ix for ix in db[coll].list_indexes() if list(ix["key"].items()) == keys]
        if not match:
            found.append(f"{coll}: no index on {keys}")
            continue
        for option, value in options.items():
            if match[0].get(option) != value:
                found.append(f"{coll} {keys}: {option} is {match[0].get(option)!r}, expected {value!r}")
    opts = {name: info.get("options", {}) for name, info in infos.items()}
    users_schema = opts.get("users", {}).get("validator", {}).get("$jsonSchema", {})
    if users_schema.get("properties", {}).get("email", {}).get("pattern") != EMAIL_PATTERN:
        found.append("users: validator lacks the email pattern")
    if users_schema.get("properties", {}).get("password_hash", {}).get("minLength") != 60:
        found.append("users: validator lacks the bcrypt length of password_hash")
    for coll in ("trades", "positions"):
        if "$jsonSchema" not in opts.get(coll, {}).get("validator", {}):
            found.append(f"{coll}: no $jsonSchema validator")
    audit = opts.get("audit_logs", {})
    if not (audit.get("capped") and audit.get("size") == 100 * 1024 * 1024 and audit.get("max") == 1_000_000):
        found.append(f"audit_logs: not capped at 100 MB / 1,000,000 documents ({audit})")
    market = opts.get("market_data", {})
    if market.get("timeseries", {}).get("timeField") != "timestamp" or market.get("expireAfterSeconds") != 365 * DAY:
        found.append(f"market_data: not a time-series collection expiring after one year ({market})")
    users = {u["user"]: {r["role"] for r in u["roles"]} for u in db.command("usersInfo", 1)["users"]}
    for suffix, roles in USERS.items():
        if users.get(user_prefix + suffix) != roles:
            found.append(f"user {user_prefix + suffix}: roles {users.get(user_prefix + suffix)}, expected {roles}")
    have_ids = {d["_id"] for d in db.system_config.find({}, {"_id": 1})}
    found += [f"system_config: no seed document {i}" for i in SEED_IDS if i not in have_ids]
    config = db.system_config.find_one({"_id": "global_config"}) or {}
    if config.get("trading_enabled") is not False or config.get("max_concurrent_trades") != 100:
        found.append("system_config.global_config: trading_enabled must be false and max_concurrent_trades 100")
    return found


def main(argv: list[str]) -> int:
    uri, database = argv[1], argv[2]
    prefix = argv[3] if len(argv) > 3 else database
    client = MongoClient(uri)
    try:
        found = problems(client, database, prefix)
    finally:
        client.close()
    for line in found:
        print(line)
    print(f"{len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
