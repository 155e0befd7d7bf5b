"""The reference app runs from its own copy of the code, which its user can read wherever the checkout is."""

from __future__ import annotations

from pathlib import Path

from datastack.paths import PROJECT_ROOT, environment_file
from datastack.plan import build_plan
from datastack.plan.toolchain import detect_toolchain
from datastack.spec import load_spec_file
from datastack.spec.secrets import masked


def _app_plan(target: str):
    spec = load_spec_file(environment_file("local"))
    plan = build_plan(spec, detect_toolchain(python="/usr/bin/python3"), masked(dict(spec.secret_refs())),
                      Path("/state"), target=target)
    return plan.service("app-reference")


def test_a_local_app_runs_from_a_copy_of_the_package_in_its_conf_dir():
    app = _app_plan("local")
    assert app.working_dir == "/state/app-reference/conf" and app.command[-2:] == ["-m", "app.server"]
    copies = {Path(f.path).name: f for f in app.files if Path(f.path).parent == Path("/state/app-reference/conf/app")}
    sources = sorted((PROJECT_ROOT / "app").glob("*.py"))
    assert sorted(copies) == [s.name for s in sources] and "server.py" in copies
    for source in sources:
        copy = copies[source.name]
        assert copy.content.endswith(source.read_text()) and copy.mode == 0o644 and not copy.secret


def test_a_container_app_has_its_code_in_its_image():
    app = _app_plan("container")
    assert app.working_dir is None and not any("/app/" in f.path for f in app.files)
