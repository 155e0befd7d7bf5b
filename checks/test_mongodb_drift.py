"""MongoDB drift: every declared collection and index as declared (option by option), nothing undeclared,
versioned migrations at head. Each failure says what differs and the command that repairs it."""

from __future__ import annotations

import pytest

from checks.lib import mongodb


def test_collection_matches_spec(target, connections, mongo_collection):
    """The collection, every declared index and no undeclared one, compared in one go: at 1,000 collections
    with 5,000 indexes one check per object made pytest's own bookkeeping the cost of `check`. Each drifted
    object is still its own line, then one fix for them all."""
    db, name, declared = mongo_collection
    live = mongodb.live_collections(connections, target, db).get(name)
    problems = mongodb.collection_problems(db, name, declared, live)
    fixes = []
    if any("capped" in p or "timeseries" in p for p in problems):
        fixes.append(f"{target.fix} (a capped or time-series layout cannot change in place: recreate the collection)")
    rebuild = False
    if live is not None:  # a missing collection is one line, not one per index
        for index in declared.indexes:
            index_problems, plain_migrate = mongodb.index_problems(db, name, index, live)
            problems += index_problems
            rebuild = rebuild or (bool(index_problems) and not plain_migrate)
    if problems and not fixes:
        fixes.append(f"{target.fix} --rebuild-indexes" if rebuild else target.fix)
    undeclared = mongodb.undeclared_indexes(db, name, declared, live)
    if undeclared:
        fixes.append(f"{target.fix} --prune (or declare it in the schema)")
    if problems or undeclared:
        pytest.fail("\n".join(problems + undeclared) + f" — fix: {'; '.join(fixes)}", pytrace=False)


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
