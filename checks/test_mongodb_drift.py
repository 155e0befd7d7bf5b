"""MongoDB drift: every declared collection and index as declared (option by option), nothing undeclared,
versioned migrations at head. Each failure says what differs and the command that repairs it."""

from __future__ import annotations

import pytest

from checks.lib import mongodb


def test_collection_matches_spec(target, connections, mongo_collection):
    db, name, declared = mongo_collection
    live = mongodb.live_collections(connections, target, db).get(name)
    problems = mongodb.collection_problems(db, name, declared, live)
    shape = any("capped" in p or "timeseries" in p for p in problems)
    fix = f"{target.fix} (a capped or time-series layout cannot change in place: recreate the collection)" if shape else target.fix
    assert not problems, f"{'; '.join(problems)} — fix: {fix}"


def test_index_matches_spec(target, connections, mongo_index):
    db, collection, declared = mongo_index
    live = mongodb.live_collections(connections, target, db).get(collection)
    problems, plain_migrate = mongodb.index_problems(db, collection, declared, live)
    fix = target.fix if plain_migrate else f"{target.fix} --rebuild-indexes"
    assert not problems, f"{'; '.join(problems)} — fix: {fix}"


def test_no_undeclared_indexes(target, connections, mongo_collection):
    db, name, declared = mongo_collection
    live = mongodb.live_collections(connections, target, db).get(name)
    extra = mongodb.undeclared_indexes(db, name, declared, live)
    assert not extra, f"{'; '.join(extra)} — fix: {target.fix} --prune (or declare it in the schema)"


def test_migrations_at_head(target, connections, mongo_database):
    from roles.mongodb.reconcile import versions
    from roles.mongodb.reconcile.run import targets

    found = {t.name: t for t in targets(target.spec, _placeholder_secrets(target))}
    files = versions.discover(found[mongo_database].migrations_dir)
    if not files:
        pytest.skip(f"{mongo_database}: no versioned migrations declared beside its schema")
    target.require_admin("reading the migration ledger (only administrators reach it)")
    db = connections.mongo(target.mongo())[mongo_database]
    todo = versions.pending(files, versions.read_ledger(db))
    current = versions.current_revision(versions.read_ledger(db)) or "none"
    assert not todo.to_apply, (f"{mongo_database}: migrations not applied: {', '.join(m.name for m in todo.to_apply)} "
                               f"(at {current}, head {files[-1].name}) — fix: {target.fix}")
    assert not todo.checksum_changed, (f"{mongo_database}: migration {todo.checksum_changed[0].name} changed after it was "
                                       f"applied — fix: restore the file, or {target.fix} --repair")
    assert not todo.missing_files, (f"{mongo_database}: ledger names migration {todo.missing_files[0]}, which has no file "
                                    "— fix: restore it from version control")


def _placeholder_secrets(target) -> dict[str, str]:
    # targets() wants a password per user; only the directories are used here.
    return {sid: "" for sid, _ in target.spec.secret_refs()}
