"""Bad PostgreSQL input fails at spec load with one line naming file, field and fix."""

import pytest
import yaml

from datastack.errors import UserError
from datastack.spec.load import load_spec_file


def write(tmp_path, databases: dict):
    path = tmp_path / "ci.yaml"
    path.write_text(yaml.safe_dump({"name": "ci", "services": {"postgres": {"databases": databases}}}))
    return path


def test_grant_to_undeclared_role(tmp_path):
    path = write(tmp_path, {"a": {"users": [{"name": "a_owner", "access": "owner"}],
                                  "grants": [{"role": "ghost", "access": "readonly"}]}})
    with pytest.raises(UserError) as err:
        load_spec_file(path)
    message = str(err.value)
    assert "grants.0.role: grant to undeclared role 'ghost'" in message and "fix:" in message and "\n" not in message


def test_grant_to_role_of_another_database_is_fine(tmp_path):
    path = write(tmp_path, {"a": {"users": [{"name": "reporter", "access": "readonly"}]},
                            "b": {"grants": [{"role": "reporter", "access": "readonly"}]}})
    spec = load_spec_file(path)
    assert spec.services.postgres.databases["b"].access_by_role() == {"reporter": "readonly"}


def test_role_declared_in_two_databases(tmp_path):
    path = write(tmp_path, {"a": {"users": [{"name": "shared", "access": "app"}]},
                            "b": {"users": [{"name": "shared", "access": "app"}]}})
    with pytest.raises(UserError, match="role 'shared' is already declared by database a"):
        load_spec_file(path)
