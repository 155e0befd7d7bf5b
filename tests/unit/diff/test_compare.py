"""Snapshot comparison: each kind of difference is found once, and a revision difference absorbs the structure it explains."""

from datastack.diff import compare_snapshots


def mongo(users=None, unique=True, extra_collection=False):
    collections = {"positions": {"type": "collection", "options": {}, "indexes": {
        "user_id_1_symbol_1": {"key": [["user_id", 1], ["symbol", 1]], **({"unique": True} if unique else {})}}}}
    if extra_collection:
        collections["orders"] = {"type": "collection", "options": {}, "indexes": {}}
    return {"bot_core": {"collections": collections, "users": {"app": ["readWrite@bot_core"]} if users is None else users, "roles": {}}}


def pg(revision="0004", tables=("a", "b")):
    structure = {"tables": list(tables), "columns": {t: {"id": {"type": "text"}} for t in tables}, "indexes": {}, "constraints": {}}
    return {"roles": {"owner": {"login": True}}, "algo": {"revision": revision, "structure": structure}}


def redis(rules="+@read ~app:*", maxmemory="256mb"):
    return {"acl": {"app": rules}, "config": {"maxmemory": maxmemory}}


def snap(**kw):
    return {"mongodb": kw.get("m", mongo()), "postgres": kw.get("p", pg()), "redis": kw.get("r", redis())}


def test_same_snapshots_have_no_differences():
    assert compare_snapshots(snap(), snap()) == []


def test_each_difference_once():
    b = snap(m=mongo(users={}, unique=False, extra_collection=True), r=redis(rules="+@all ~app:*", maxmemory="1gb"))
    found = {(d.store, d.where, d.what) for d in compare_snapshots(snap(), b)}
    assert found == {("mongodb", "bot_core.positions index user_id_1_symbol_1", "differs"),
                     ("mongodb", "bot_core collection orders", "only in the second"),
                     ("mongodb", "bot_core user app", "only in the first"),
                     ("redis", "ACL user app", "differs"), ("redis", "config maxmemory", "differs")}


def test_revision_difference_absorbs_structure_and_same_revision_does_not():
    behind = compare_snapshots(snap(), snap(p=pg(revision="0003", tables=("a",))))
    assert [(d.where, d.detail) for d in behind] == [("algo alembic revision", "1 structural differences follow from it")]
    drift = compare_snapshots(snap(), snap(p=pg(tables=("a",))))
    assert [(d.where, d.what) for d in drift] == [("algo table b", "only in the first")]
