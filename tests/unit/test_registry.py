"""The registry's extensions: a module named in DATASTACK_SERVICES joins the registry; a wrong name is one clear line."""

from __future__ import annotations

import pytest

from datastack.errors import UserError
from datastack.services import registered_services
from roles import registry


@pytest.fixture
def clean_extensions(monkeypatch):
    monkeypatch.setattr(registry, "_loaded_extensions", set())
    yield monkeypatch
    registry.unregister("cache")


def test_a_named_module_registers_its_service_once(clean_extensions):
    clean_extensions.setenv("DATASTACK_SERVICES", "tests.support.toy_cache")
    names = [s.name for s in registered_services()]
    assert names[-1] == "cache" and names.count("cache") == 1
    assert [s.name for s in registered_services()].count("cache") == 1


def test_without_the_variable_only_the_built_in_services(clean_extensions):
    clean_extensions.delenv("DATASTACK_SERVICES", raising=False)
    assert [s.name for s in registered_services()] == ["mongodb", "postgres", "redis", "mongo_express", "app"]


@pytest.mark.parametrize("module", ["tests.support.no_such_module", "datastack.errors"])
def test_a_module_without_a_service_is_refused_in_one_line(clean_extensions, module):
    clean_extensions.setenv("DATASTACK_SERVICES", module)
    with pytest.raises(UserError) as raised:
        registered_services()
    line = raised.value.one_line()
    assert "DATASTACK_SERVICES" in line and module in line and "\n" not in line
