"""MongoDB latency budgets: ping, a find on a declared index, an insert into the scratch collection."""

from __future__ import annotations

import pytest

from checks.lib.declared import mongo_schemas
from checks.lib.latency import run_probe
from checks.lib.mongodb import SCRATCH, reader_login


@pytest.fixture(scope="module")
def database(target):
    mongo = target.spec.services.mongodb
    if mongo is None or not mongo.databases:
        pytest.skip("this environment declares no MongoDB database")
    return next(iter(mongo.databases))


def test_mongodb_ping_latency(request, target, connections, database):
    admin = connections.mongo(reader_login(target, database)).admin
    run_probe(request, target, "mongodb", "ping", "mongodb ping", lambda: admin.command("ping"))


def test_mongodb_indexed_find_latency(request, target, connections, database):
    schema = mongo_schemas(target)[database]
    chosen = next(((name, ix) for name, spec in schema.collections.items() if not spec.timeseries
                   for ix in spec.indexes if not ix.partialFilterExpression), None)
    if chosen is None:
        pytest.skip(f"{database} declares no index to look up")
    name, index = chosen
    field = next(iter(index.keys))
    collection = connections.mongo(reader_login(target, database))[database][name]
    run_probe(request, target, "mongodb", "indexed_find", f"mongodb find {database}.{name} by {index.name}",
              lambda: collection.find_one({field: "datastack-check-absent"}))


def test_mongodb_insert_latency(request, target, connections, database):
    target.require_writes("the insert probe")
    app = next((u for u in target.spec.services.mongodb.databases[database].users if u.access == "app"), None)
    login = target.mongo(app.name) if app else target.mongo()
    scratch = connections.mongo(login)[database][SCRATCH]
    try:
        run_probe(request, target, "mongodb", "insert", f"mongodb insert {database}.{SCRATCH} as {login.user}",
                  lambda: scratch.insert_one({"probe": True}))
    finally:
        scratch.drop()
