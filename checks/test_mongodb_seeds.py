"""MongoDB seed documents: each declared seed exists and its managed fields hold their declared values
(`managed_seed_fields` in the schema; without it every declared field is managed). A missing one is restored by migrate."""

from __future__ import annotations

from checks.lib import mongodb


def test_seed_document_present(target, connections, mongo_seed):
    from roles.mongodb.reconcile.live import plain

    database, collection, declared, managed = mongo_seed
    db = connections.mongo(mongodb.reader_login(target, database))[database]
    live = db[collection].find_one({"_id": declared["_id"]})
    where = f"{database}.{collection}"
    assert live is not None, f"{where}: seed document {declared['_id']!r} is missing — fix: {target.fix} (restores it)"
    live = plain(live)
    stale = [f"{field} is {_short(live.get(field, '<missing>'))}, declared {_short(value)}"
             for field, value in declared.items() if field in managed and live.get(field) != plain(value)]
    assert not stale, f"{where}: seed document {declared['_id']!r}: {'; '.join(stale)} — fix: {target.fix}"


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
