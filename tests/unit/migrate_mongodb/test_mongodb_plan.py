"""The planner is pure: declared schema + live state in, ordered steps and drift out."""

from __future__ import annotations

import subprocess
import sys

from roles.mongodb.reconcile.compare import is_implicit_index, option_differences
from roles.mongodb.reconcile.live import LiveCollection, LiveState
from roles.mongodb.reconcile.plan import plan_database
from roles.mongodb.reconcile.schema import DatabaseSchema, IndexSpec
from datastack.migrate.report import MigrateOptions


def schema(**collections) -> DatabaseSchema:
    return DatabaseSchema.model_validate({"collections": collections})


def live(collections: dict[str, LiveCollection]) -> LiveState:
    return LiveState(collections=collections, users={}, roles={}, seeds={}, fingerprints={})


def test_empty_database_plans_collections_before_indexes():
    plan = plan_database("db", schema(a={"indexes": [{"name": "x_1", "keys": {"x": 1}}]}, b={}), [], live({}), MigrateOptions())
    assert [(s.change.target, s.change.action) for s in plan.steps] == [
        ("db.a", "create_collection"), ("db.b", "create_collection"), ("db.a", "create_index")]


def test_mongod_spelling_out_collation_and_false_flags_is_not_drift():
    declared = IndexSpec(name="n", keys={"name": 1}, collation={"locale": "en", "strength": 2})
    from_mongod = {"v": 2, "key": {"name": 1}, "name": "n", "unique": False, "collation": {
        "locale": "en", "caseLevel": False, "caseFirst": "off", "strength": 2, "numericOrdering": False,
        "alternate": "non-ignorable", "maxVariable": "punct", "normalization": False, "backwards": False, "version": "57.1"}}
    assert option_differences(declared, from_mongod) == {}


def test_ttl_change_is_a_collmod_and_other_changes_are_drift():
    declared = schema(s={"indexes": [
        {"name": "ttl", "keys": {"at": 1}, "expireAfterSeconds": 60},
        {"name": "u", "keys": {"u": 1}, "unique": True},
    ]})
    have = LiveCollection("s", "collection", {}, [
        {"v": 2, "key": {"_id": 1}, "name": "_id_"},
        {"v": 2, "key": {"at": 1}, "name": "ttl", "expireAfterSeconds": 30.0},
        {"v": 2, "key": {"u": 1}, "name": "u"},
    ])
    plan = plan_database("db", declared, [], live({"s": have}), MigrateOptions())
    assert [(s.change.action, s.change.detail) for s in plan.steps] == [("coll_mod", "index ttl: expireAfterSeconds 30 -> 60")]
    assert plan.drift == ["db.s: index u differs (unique: declared True, live None); rebuilt with --rebuild-indexes"]
    rebuild = plan_database("db", declared, [], live({"s": have}), MigrateOptions(rebuild_indexes=True))
    assert [s.change.action for s in rebuild.steps] == ["coll_mod", "rebuild_index"]


def test_timeseries_default_index_is_not_an_extra():
    ts = LiveCollection("m", "timeseries", {"timeseries": {"timeField": "t", "metaField": "sym"}})
    assert is_implicit_index({"key": {"sym": 1, "t": 1}, "name": "sym_1_t_1"}, ts)
    assert not is_implicit_index({"key": {"sym": 1, "t": -1}, "name": "sym_1_t_-1"}, ts)


def test_loading_a_spec_does_not_import_pymongo():
    code = "import sys; from datastack.spec import load_environment; load_environment('local'); print('pymongo' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_only_managed_seed_fields_are_enforced():
    declared = DatabaseSchema.model_validate({
        "collections": {"config": {}},
        "seeds": {"config": [{"_id": "global", "maintenance_mode": False, "trading_enabled": False}]},
        "managed_seed_fields": {"config": ["maintenance_mode"]}})
    state = live({"config": LiveCollection("config", "collection", {})})
    # An operator switched trading on by hand: not managed, so migrate leaves it alone.
    state.seeds["config"] = {"global": {"_id": "global", "maintenance_mode": False, "trading_enabled": True}}
    assert plan_database("db", declared, [], state, MigrateOptions()).steps == []
    state.seeds["config"]["global"]["maintenance_mode"] = True
    steps = plan_database("db", declared, [], state, MigrateOptions()).steps
    assert [(s.change.action, s.change.detail) for s in steps] == [("update_seed", "_id 'global': maintenance_mode")]


def test_managed_seed_field_must_be_in_a_seed():
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="'mode' is in none of its seed documents"):
        DatabaseSchema.model_validate({"collections": {"config": {}}, "seeds": {"config": [{"_id": "g", "x": 1}]},
                                       "managed_seed_fields": {"config": ["mode"]}})
