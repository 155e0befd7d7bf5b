"""Bad schema input is rejected when the spec loads: one line naming the file, the path inside it, and a fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from datastack.errors import UserError
from datastack.spec import load_environment

ENV = """\
name: ci
services:
  mongodb:
    topology: standalone
    members: 1
    port: 27500
    databases:
      shop:
        schema: {schema}
        users:
          - {{name: shop_app, access: app, roles: [{role}]}}
"""


def load(tmp_path: Path, schema: str, role: str = "readWrite"):
    schema_file = tmp_path / "schema.yaml"
    schema_file.write_text(textwrap.dedent(schema))
    env_file = tmp_path / "ci.yaml"
    env_file.write_text(ENV.format(schema=schema_file, role=role))
    return load_environment(spec=env_file)


def rejected(tmp_path: Path, schema: str, role: str = "readWrite") -> str:
    with pytest.raises(UserError) as caught:
        load(tmp_path, schema, role)
    line = str(caught.value)
    assert "\n" not in line and "fix:" in line and caught.value.exit_code == 2
    return line


def test_bot_core_schema_loads():
    spec, _ = load_environment("local")
    assert spec.services.mongodb.databases["bot_core"].schema_file.name == "schema.yaml"


def test_a_valid_schema_loads(tmp_path):
    load(tmp_path, """
        collections:
          orders:
            indexes: [{name: by_day, keys: {day: -1}, expireAfterSeconds: 60}]
        roles: [{name: auditor, privileges: [{collection: orders, actions: [find]}]}]
    """, role="auditor")


def test_unknown_index_option(tmp_path):
    line = rejected(tmp_path, """
        collections:
          orders:
            indexes: [{name: by_day, keys: {day: 1}, expireAfter: 60}]
    """)
    assert line.startswith(f"{tmp_path}/schema.yaml: collections.orders.indexes.0.expireAfter: unknown key")
    assert "did you mean 'expireAfterSeconds'" in line


def test_two_indexes_with_one_name_but_different_keys(tmp_path):
    line = rejected(tmp_path, """
        collections:
          orders:
            indexes:
              - {name: by_user, keys: {user: 1}}
              - {name: by_user, keys: {user: 1, day: -1}}
    """)
    assert "schema.yaml: collections.orders: two indexes named 'by_user' with different keys" in line
    assert "fix: give each index its own name" in line


def test_ttl_on_a_compound_index(tmp_path):
    line = rejected(tmp_path, """
        collections:
          orders:
            indexes: [{name: ttl, keys: {user: 1, day: 1}, expireAfterSeconds: 60}]
    """)
    assert "schema.yaml: collections.orders.indexes.0: index 'ttl': expireAfterSeconds on a compound index" in line
    assert "fix: TTL indexes take exactly one date field" in line


def test_capped_together_with_timeseries(tmp_path):
    line = rejected(tmp_path, """
        collections:
          ticks:
            capped: {size: 1000}
            timeseries: {timeField: ts}
    """)
    assert "schema.yaml: collections.ticks: capped together with timeseries" in line and "fix: a collection is either" in line


@pytest.mark.parametrize(("schema", "path", "problem"), [
    ("{bsonType: object, properties: {email: {bsonType: string, format: email}}}",
     "$jsonSchema.properties.email.format", "no keyword 'format' — fix: use 'pattern' instead"),
    ("{type: object, bsonType: object}", "$jsonSchema", "both 'type' and 'bsonType' — fix: keep only bsonType"),
    ("{bsonType: object, properties: {n: {type: integer}}}", "$jsonSchema.properties.n.type",
     "'integer' is not a type MongoDB knows — fix: use bsonType: int or long"),
    ("{bsonType: objekt}", "$jsonSchema.bsonType", "'objekt' is not a bsonType MongoDB knows"),
    ("{bsonType: object, required: email}", "$jsonSchema.required", "must be a non-empty list of field names"),
    ("{bsonType: object, properties: {s: {pattern: '(['}}}", "$jsonSchema.properties.s.pattern", "invalid regular expression"),
    ("{bsonType: object, properties: {n: {minimum: low}}}", "$jsonSchema.properties.n.minimum", "must be a number"),
])
def test_validator_that_mongodb_would_refuse(tmp_path, schema, path, problem):
    line = rejected(tmp_path, f"""
        collections:
          users:
            validator: {{$jsonSchema: {schema}}}
    """)
    assert f"schema.yaml: collections.users.validator: {path}: " in line and problem in line


def test_validator_must_be_json_schema(tmp_path):
    line = rejected(tmp_path, """
        collections:
          users:
            validator: {email: {$exists: true}}
    """)
    assert "collections.users.validator: a validator must be {$jsonSchema: {...}}" in line


def test_user_granted_a_role_neither_built_in_nor_declared(tmp_path):
    line = rejected(tmp_path, "collections: {}\n", role="reporter")
    assert line.startswith(f"{tmp_path}/ci.yaml: services.mongodb.databases.shop.users[0].roles[0]: user 'shop_app'")
    assert "role 'reporter', which is neither built in nor declared" in line
    assert f"fix: declare it under roles: in {tmp_path}/schema.yaml" in line


def test_role_inheriting_an_unknown_role(tmp_path):
    line = rejected(tmp_path, "roles: [{name: auditor, roles: [ghost]}]\n")
    assert "schema.yaml: roles[0].roles[0]: role 'auditor' inherits 'ghost'" in line


def test_seed_without_id(tmp_path):
    line = rejected(tmp_path, """
        collections: {config: {}}
        seeds:
          config: [{flag: true}]
    """)
    assert "seeds.config[0] has no _id" in line


def test_malformed_yaml_names_the_line(tmp_path):
    line = rejected(tmp_path, "collections:\n  a: [\n")
    assert "schema.yaml:3:1: malformed YAML" in line
