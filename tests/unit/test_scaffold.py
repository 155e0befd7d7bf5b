"""`datastack init`: what it writes loads as a valid project; a bad name or a clash writes nothing."""

from __future__ import annotations

import pytest

from datastack.errors import UserError
from datastack.scaffold import scaffold_project
from datastack.spec import load_environment


def test_the_scaffold_loads_with_every_load_time_check(tmp_path):
    written = scaffold_project(tmp_path / "p", "eu-qa")
    spec, _ = load_environment(None, tmp_path / "p/environments/eu-qa.yaml")  # schema parses, Alembic has one head
    assert spec.name == "eu-qa" and spec.tier == "development"
    assert spec.services.postgres.databases["app"].alembic == tmp_path / "p/migrations/postgres/app"
    assert spec.services.mongodb.databases["app"].schema_file == tmp_path / "p/migrations/mongodb/app/schema.yaml"
    ports = [port for _, port in spec.declared_ports()]
    assert len(set(ports)) == 3 and len(written) == 7
    assert (tmp_path / "p/.gitignore").read_text() == ".datastack/\n"  # generated secrets never committed


@pytest.mark.parametrize("name", ["EU", "eu_qa", "qa\n", "../x", "", "e" * 32])
def test_a_bad_name_writes_nothing(tmp_path, name):
    with pytest.raises(UserError, match="is not an environment name"):
        scaffold_project(tmp_path / "p", name)
    assert not (tmp_path / "p").exists()


def test_an_existing_file_is_never_overwritten(tmp_path):
    (tmp_path / "p/migrations/postgres/app").mkdir(parents=True)
    (tmp_path / "p/migrations/postgres/app/env.py").write_text("mine")
    with pytest.raises(UserError, match="env.py already exists"):
        scaffold_project(tmp_path / "p", "qa")
    assert (tmp_path / "p/migrations/postgres/app/env.py").read_text() == "mine"
    assert not (tmp_path / "p/README.md").exists()
