"""A bad PostgreSQL critical query stops the spec load: one line naming critical_queries.yaml, the field and a fix."""

import shutil

import pytest
import yaml

from datastack.errors import UserError
from datastack.paths import PROJECT_ROOT
from datastack.spec.load import load_environment

GOOD = {"table": "positions", "index": "idx_positions_user_symbol", "name": "q",
        "sql": "SELECT id FROM positions WHERE user_id = %(user_id)s", "parameters": {"user_id": "u"}}


def load_with(tmp_path, **changes):
    scripts = tmp_path / "algo"
    shutil.copytree(PROJECT_ROOT / "migrations/postgres/algo_trading", scripts)
    (scripts / "critical_queries.yaml").write_text(yaml.safe_dump({"queries": [{**GOOD, **changes}]}))
    spec = tmp_path / "ci.yaml"
    spec.write_text(yaml.safe_dump({"name": "ci", "services": {"postgres": {"databases": {"algo": {"alembic": str(scripts)}}}}}))
    return load_environment(spec=spec)[0]


def test_the_good_query_loads(tmp_path):
    assert load_with(tmp_path).services.postgres.databases["algo"].alembic.name == "algo"


@pytest.mark.parametrize("changes, expected", [
    ({"table": "positionz"}, "queries[0].table: query 'q' names table 'positionz', which no Alembic revision creates"),
    ({"index": "idx_orders_status"}, "queries[0].index: query 'q' expects index 'idx_orders_status', which no revision creates on positions"),
    ({"parameters": {}}, "queries[0].parameters: query 'q' has no value for %(user_id)s"),
    ({"sql": "DELETE FROM positions"}, "queries.0.sql: must be a SELECT"),
    ({"sql": "SELECT 1; DROP TABLE positions"}, "queries.0.sql: one statement without ';' or comments"),
])
def test_bad_query(tmp_path, changes, expected):
    with pytest.raises(UserError) as err:
        load_with(tmp_path, **changes)
    line = str(err.value)
    assert "critical_queries.yaml" in line and expected in line and "fix:" in line and "\n" not in line
