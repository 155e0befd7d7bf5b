"""Bad critical queries and references are rejected when the spec loads: one line, file, field, fix, exit 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from test_mongodb_schema_errors import rejected

BASE = """\
collections:
  users:
    indexes: [{name: email_1, keys: {email: 1}, unique: true}]
  trades:
    indexes: [{name: user_id_1_status_1, keys: {user_id: 1, status: 1}}]
"""


@pytest.mark.parametrize("extra, expected", [
    ("queries: [{name: q, collection: orders, filter: {user_id: 1}, index: user_id_1_status_1}]",
     "schema.yaml: queries[0].collection: query 'q' names collection 'orders', which is not declared"),
    ("queries: [{name: q, collection: trades, filter: {account: 1}, index: user_id_1_status_1}]",
     "schema.yaml: queries[0].filter.account: query 'q' names field 'account', which trades does not declare"),
    ("queries: [{name: q, collection: trades, filter: {user_id: 1}, index: user_id_1}]",
     "schema.yaml: queries[0].index: query 'q' expects index 'user_id_1', which is not declared on trades — fix: use one of: user_id_1_status_1"),
    ("queries: [{name: q, collection: trades, filter: {user_id: {$where: x}}, index: user_id_1_status_1}]",
     "queries.0.filter: filter.user_id: operator '$where' is not allowed"),
    ("references: [{from: trades.user_id, to: accounts._id}]",
     "schema.yaml: references[0].to: reference trades.user_id -> accounts._id names collection 'accounts', which is not declared"),
    ("references: [{from: trades.user_id, to: users._id, sample: 0}]",
     "schema.yaml: references.0.sample: sample must be at least 1 (got 0) — fix: give the number of newest documents"),
    ("references: [{from: trades.user_id, to: users.email_x}]",
     "references[0].to: reference trades.user_id -> users.email_x names field 'email_x', which users does not declare"),
])
def test_bad_queries_and_references(tmp_path, extra, expected):
    assert expected in rejected(tmp_path, BASE + extra)


def test_cli_exits_2_with_one_line(tmp_path):
    from test_mongodb_schema_errors import ENV

    schema = tmp_path / "schema.yaml"
    schema.write_text(BASE + "references: [{from: trades.user_id, to: users._id, sample: 0}]\n")
    env = tmp_path / "ci.yaml"
    env.write_text(ENV.format(schema=schema, role="readWrite"))
    done = subprocess.run([sys.executable, "-m", "datastack.cli", "check", "--spec", str(env)], capture_output=True, text=True)
    assert done.returncode == 2
    lines = [l for l in (done.stdout + done.stderr).splitlines() if l.strip()]
    assert len(lines) == 1 and "schema.yaml: references.0.sample" in lines[0] and "fix:" in lines[0]
