"""Both script directories load, have one head, and render upgrade and downgrade SQL offline."""

import io
import shutil
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from datastack.errors import UserError
from roles.postgres.reconcile.alembic_runner import alembic_config, alembic_options
from roles.postgres.reconcile.settings import load_alembic_settings
from roles.postgres.reconcile.spec_checks import check_alembic_scripts
from datastack.paths import PROJECT_ROOT
from datastack.spec import EnvironmentSpec

SCRIPTS = PROJECT_ROOT / "migrations" / "postgres"


@pytest.mark.parametrize("db", ["algo_trading", "trading_service"])
def test_one_head_and_offline_sql_both_ways(db):
    assert len(ScriptDirectory(str(SCRIPTS / db)).get_heads()) == 1
    config = alembic_config(SCRIPTS / db, alembic_options(load_alembic_settings(), "public"))
    out = io.StringIO()
    with redirect_stdout(out):
        command.upgrade(config, "head", sql=True)
        command.downgrade(config, "head:base", sql=True)
    sql = out.getvalue()
    assert "CREATE TABLE users" in sql and "DROP TABLE users" in sql
    assert "ON DELETE" in sql


def test_every_foreign_key_says_on_delete():
    for path in SCRIPTS.glob("*/versions/*.py"):
        text = path.read_text()
        assert "sa.ForeignKey(" not in text.replace('sa.ForeignKey("backtests.id", ondelete="CASCADE")', ""), path


def spec_with(script_dir: Path) -> EnvironmentSpec:
    return EnvironmentSpec.model_validate({"name": "ci", "services": {"postgres": {"databases": {
        "algo_trading": {"alembic": str(script_dir), "users": [{"name": "o", "access": "owner"}]}}}}})


def test_missing_directory_is_one_line(tmp_path):
    with pytest.raises(UserError) as err:
        check_alembic_scripts(spec_with(tmp_path / "nope"), Path("environments/ci.yaml"))
    assert "services.postgres.databases.algo_trading.alembic" in str(err.value)
    assert "\n" not in str(err.value)


def test_two_heads_are_rejected(tmp_path):
    target = tmp_path / "algo_trading"
    shutil.copytree(SCRIPTS / "algo_trading", target, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "versions" / "0002b_branch.py").write_text(
        'revision = "0002b_branch"\ndown_revision = "0001_users_strategies"\nbranch_labels = None\ndepends_on = None\n'
        "def upgrade():\n    pass\ndef downgrade():\n    pass\n")
    with pytest.raises(UserError, match="has 2 heads .*0002b_branch.*fix: merge them"):
        check_alembic_scripts(spec_with(target), Path("environments/ci.yaml"))


def test_a_directory_without_env_py_is_not_a_script_directory(tmp_path):
    (tmp_path / "versions").mkdir()
    with pytest.raises(UserError, match="is not an Alembic script directory"):
        check_alembic_scripts(spec_with(tmp_path), Path("environments/ci.yaml"))


def test_two_heads_fail_the_spec_load(tmp_path):
    import yaml

    from datastack.spec.load import load_environment

    target = tmp_path / "algo_trading"
    shutil.copytree(SCRIPTS / "algo_trading", target, ignore=shutil.ignore_patterns("__pycache__"))
    (target / "versions" / "0002b_branch.py").write_text(
        'revision = "0002b_branch"\ndown_revision = "0001_users_strategies"\n'
        "def upgrade():\n    pass\ndef downgrade():\n    pass\n")
    spec_file = tmp_path / "ci.yaml"
    spec_file.write_text(yaml.safe_dump({"name": "ci", "services": {"postgres": {"databases": {
        "algo_trading": {"alembic": str(target)}}}}}))
    with pytest.raises(UserError, match="ci.yaml: services.postgres.databases.algo_trading.alembic: .* has 2 heads"):
        load_environment(spec=spec_file)


def test_lock_key_is_stable_and_per_database():
    from roles.postgres.reconcile.advisory_lock import lock_key

    assert lock_key("ns", "a") == lock_key("ns", "a") != lock_key("ns", "b")
    assert -(2**63) <= lock_key("ns", "a") < 2**63
