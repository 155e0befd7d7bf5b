"""Schema files are parsed once per content: later commands read the JSON cache, never a stale or unfaithful one."""

from __future__ import annotations

import pytest

from roles.mongodb.reconcile import schema_cache, schema_file

SCHEMA = "collections:\n  orders:\n    indexes:\n      - {name: status_1, keys: {status: 1}, unique: true}\n"


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A private cache root, and no schema remembered in this process."""
    monkeypatch.setenv("DATASTACK_STATE_ROOT", str(tmp_path / "state"))
    monkeypatch.setattr(schema_file, "_parsed", {})
    return tmp_path


def forget(monkeypatch):
    monkeypatch.setattr(schema_file, "_parsed", {})  # as a new process would start


def refuse_yaml(monkeypatch):
    def no_yaml(*args, **kwargs):
        raise AssertionError("parsed the YAML although the cache holds this content")

    monkeypatch.setattr(schema_file, "load_yaml_model", no_yaml)


def test_second_load_reads_the_cache(fresh, monkeypatch):
    path = fresh / "schema.yaml"
    path.write_text(SCHEMA)
    first = schema_file.load_database_schema(path)
    forget(monkeypatch)
    refuse_yaml(monkeypatch)
    assert schema_file.load_database_schema(path) == first
    assert first.collections["orders"].indexes[0].unique is True


def test_edited_file_is_parsed_again(fresh, monkeypatch):
    path = fresh / "schema.yaml"
    path.write_text(SCHEMA)
    schema_file.load_database_schema(path)
    forget(monkeypatch)
    path.write_text(SCHEMA.replace("unique: true", "unique: false"))
    assert schema_file.load_database_schema(path).collections["orders"].indexes[0].unique is False


def test_corrupt_entry_is_ignored(fresh, monkeypatch):
    path = fresh / "schema.yaml"
    path.write_text(SCHEMA)
    entry = schema_cache.cache_file(schema_cache.content_digest(path))
    entry.parent.mkdir(parents=True)
    entry.write_text('{"collections": {"orders": {"indexes": "not a list"}}}')
    assert schema_file.load_database_schema(path).collections["orders"].indexes[0].name == "status_1"


def test_a_schema_json_cannot_hold_is_not_cached(fresh):
    path = fresh / "schema.yaml"
    path.write_text("collections:\n  config: {}\nseeds:\n  config:\n    - {_id: a, since: 2024-01-02T03:04:05Z}\n")
    schema_file.load_database_schema(path)
    assert not schema_cache.cache_file(schema_cache.content_digest(path)).exists()
