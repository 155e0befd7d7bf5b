"""The reconciler's planner fed what a real mongod 7.0 answers for bot_core.market_data, a time-series collection:
nothing to do and no drift. Recorded from the manual (v7.0):
- listCollections on a time-series collection: `type: "timeseries"`, `options.timeseries` with the declared fields
  plus `bucketMaxSpanSeconds` (set from the granularity) and `expireAfterSeconds` at the top of `options`
  (reference/command/listCollections, core/timeseries/timeseries-granularity).
- listIndexes: the user-facing index specs (not the buckets' `control.min.*` keys), and, since 6.3, the compound
  {metaField: 1, timeField: 1} index the server creates itself (core/timeseries/timeseries-secondary-index:
  "Starting in MongoDB 6.3, MongoDB automatically creates a compound index on the metaField and timeField").
"""

from __future__ import annotations

from datastack.migrate.report import MigrateOptions
from datastack.paths import MIGRATIONS_DIR
from roles.mongodb.reconcile.live import LiveCollection, LiveState
from roles.mongodb.reconcile.plan import plan_database
from roles.mongodb.reconcile.schema_file import load_database_schema

LIST_COLLECTIONS_ENTRY = {
    "name": "market_data", "type": "timeseries",
    "options": {"timeseries": {"timeField": "timestamp", "metaField": "symbol", "granularity": "minutes",
                               "bucketMaxSpanSeconds": 86400}, "expireAfterSeconds": 31536000},
}
LIST_INDEXES = [
    {"v": 2, "key": {"symbol": 1, "timestamp": 1}, "name": "symbol_1_timestamp_1"},  # made by the server (6.3+)
    {"v": 2, "key": {"symbol": 1, "timestamp": -1}, "name": "symbol_1_timestamp_-1"},
    {"v": 2, "key": {"timestamp": -1}, "name": "timestamp_-1"},
]


def test_a_live_time_series_collection_as_declared_needs_nothing_and_shows_no_drift():
    declared = load_database_schema(MIGRATIONS_DIR / "mongodb" / "bot_core" / "schema.yaml")
    only = declared.model_copy(update={"collections": {"market_data": declared.collections["market_data"]},
                                       "seeds": {}})
    have = LiveCollection("market_data", LIST_COLLECTIONS_ENTRY["type"], LIST_COLLECTIONS_ENTRY["options"], LIST_INDEXES)
    state = LiveState(collections={"market_data": have}, users={}, roles={}, seeds={}, fingerprints={})
    plan = plan_database("bot_core", only, [], state, MigrateOptions(prune=True))
    assert plan.steps == [] and plan.drift == [], "the server's own {meta, time} index is neither drift nor pruned"
