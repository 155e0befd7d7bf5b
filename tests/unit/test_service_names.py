"""Issue 10's rule: outside a service's own places, at most two Python files name it (the registry and one other).

A service's own places are roles/<service>/, templates/<service>/, checks/, infra/components/, migrations/<service>/,
images/ (one recipe folder per image), the app service's own code in app/, tests/, benchmarks/ and docs. Everything
else — the generic pipeline in datastack/, infra/'s wiring, roles/ itself — is scanned here, comments and docstrings
included, so a name re-added anywhere in it fails this test.

STILL_TO_MOVE lists, exactly, the generic files that still name a service: an entry that no longer does fails too,
so the list only ever shrinks and always says what is left. OTHER_VOCABULARY exempts a service's word where it is a
value of another vocabulary, as one exact text in one file, never the whole file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from datastack.paths import PROJECT_ROOT

NAMES = {
    "mongodb": re.compile(r"mongo(?![-_ ]?express)", re.I),
    "postgres": re.compile(r"postgres", re.I),
    "redis": re.compile(r"redis", re.I),
    "mongo_express": re.compile(r"mongo[-_ ]?express", re.I),
    # Not the CLI's typer application (`app = typer.Typer()`, `@app.command()`, `register(app: typer.Typer)`).
    "app": re.compile(r"(?<!@)\bapps?\b(?!: typer|\.command|\.add_typer|\(\)|\)| = typer)", re.I),
}
REGISTRY = "roles/registry.py"
OWN_PLACES = re.compile(r"^(roles/[^/]+/|infra/components/)")
SCANNED = ("datastack", "infra", "roles")

# The one generic file besides the registry that may name a service: the Endpoints model, the engines' typed
# result, which checks and the Pulumi program read field by field (each service fills its own field).
ENDPOINTS = "datastack/endpoints.py"
ALSO_ALLOWED: dict[str, tuple[str]] = {service: (ENDPOINTS,) for service in NAMES}

STILL_TO_MOVE: dict[str, set[str]] = {}  # nothing left: the spec models are assembled from the registry too

# A service's word used as a value of another vocabulary, exempt only as the exact text given here: "app" is also an
# access level (what a user may do: admin, owner, app, readonly), not the app service. The text is removed before its
# file is scanned, so any other mention there still counts; an entry whose text is gone, or no longer needs the
# exemption, fails.
OTHER_VOCABULARY: dict[str, dict[str, str]] = {
    "app": {"datastack/spec/common.py": 'Access = Literal["admin", "owner", "app", "readonly"]'},
}


def generic_files() -> list[str]:
    found = []
    for top in SCANNED:
        for path in sorted((PROJECT_ROOT / top).rglob("*.py")):
            relative = path.relative_to(PROJECT_ROOT).as_posix()
            if not OWN_PLACES.match(relative):
                found.append(relative)
    return found


def files_naming(service: str) -> set[str]:
    pattern = NAMES[service]
    exempt = OTHER_VOCABULARY.get(service, {})
    return {f for f in generic_files()
            if pattern.search((PROJECT_ROOT / f).read_text().replace(exempt.get(f) or "\0", ""))}


@pytest.mark.parametrize("service", list(NAMES))
def test_at_most_two_generic_files_name_a_service(service):
    allowed = {REGISTRY, *ALSO_ALLOWED.get(service, ())}
    assert len(allowed) <= 2
    naming = files_naming(service) - STILL_TO_MOVE.get(service, set())
    assert REGISTRY in naming, "the registry names every built-in service"
    assert naming <= allowed, f"{service} is named in {sorted(naming - allowed)}: move it behind a registry hook"


@pytest.mark.parametrize("service", list(NAMES))
def test_the_still_to_move_list_is_exact(service):
    stale = STILL_TO_MOVE.get(service, set()) - files_naming(service)
    assert not stale, f"{sorted(stale)} no longer name {service}: drop them from STILL_TO_MOVE"


@pytest.mark.parametrize("service", list(OTHER_VOCABULARY))
def test_each_other_vocabulary_exemption_is_needed_and_exact(service):
    pattern = NAMES[service]
    for path, text in OTHER_VOCABULARY[service].items():
        assert path in generic_files()
        assert (PROJECT_ROOT / path).read_text().count(text) == 1, f"{path} no longer has {text!r}: drop it"
        assert pattern.search(text), f"{text!r} does not name {service}: drop it"


def test_the_scan_sees_the_generic_pipeline():
    files = generic_files()
    assert "datastack/plan/build.py" in files and REGISTRY in files
    assert not any(f.startswith(("roles/redis/", "infra/components/")) for f in files)
