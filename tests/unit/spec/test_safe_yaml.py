"""The strict loader refuses the same documents with and without libyaml, and reads the same data."""

from __future__ import annotations

import pytest
import yaml

from datastack.paths import PROJECT_ROOT
from datastack.spec import safe_yaml

REFUSED = [
    ("a: &x 1\nb: *x\n", "alias", 2),
    ("a: 1\na: 2\n", "twice", 2),
    ("c:\n  <<: {p: 1}\n", "merge key", 2),
    ("[" * 60 + "]" * 60, "nesting deeper", 1),
    ("{a: {b: 1, b: 2}}", "twice", 1),
]


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request, monkeypatch):
    if request.param == "libyaml":
        assert yaml.__with_libyaml__, "PyYAML was built without libyaml: the fast path is not exercised"
    else:
        monkeypatch.setattr(yaml, "__with_libyaml__", False)
    return safe_yaml.load


@pytest.mark.parametrize("text,problem,line", REFUSED)
def test_refused_documents(loader, text, problem, line):
    with pytest.raises(safe_yaml.UnsafeYAML) as refused:
        loader(text)
    assert problem in refused.value.problem
    assert refused.value.line == line


def test_both_paths_read_a_schema_identically(loader):
    text = (PROJECT_ROOT / "migrations" / "mongodb" / "bot_core" / "schema.yaml").read_text()
    assert loader(text) == yaml.safe_load(text)
