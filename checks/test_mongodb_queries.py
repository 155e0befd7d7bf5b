"""MongoDB critical queries: each declared query's plan (explain, queryPlanner: a read, so read-only mode runs
it too) uses the index the schema names for it. A COLLSCAN or another index fails, naming query, plan and index."""

from __future__ import annotations

from checks.lib import mongodb
from checks.lib.query_plans import mongo_plan_summary


def test_critical_query_uses_its_index(target, connections, mongo_query):
    database, query = mongo_query
    db = connections.mongo(mongodb.reader_login(target, database))[database]
    explain = db.command("explain", query.explain_command(), verbosity="queryPlanner")
    used, plan = mongo_plan_summary(explain)
    if set(used) & set(query.indexes):
        return
    live = mongodb.live_collections(connections, target, database).get(query.collection)
    present = {ix["name"] for ix in (live.indexes if live else [])}
    fix = (f"{target.fix} (recreates the index)" if not present & set(query.indexes)
           else "the index exists but the planner prefers another: check the query's shape against the index keys")
    assert False, (f"{database}: query {query.name} on {query.collection} ran as {plan}, "
                   f"expected index {' or '.join(query.indexes)} — fix: {fix}")
