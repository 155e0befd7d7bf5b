"""Programs are found where they are installed, whatever PATH the caller has."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from datastack.engines.local.process import service_env
from datastack.plan.model import Probe, ServicePlan
from datastack.programs import SYSTEM_PATH, environment_script, path_with, system_program


def test_system_programs_are_found_without_any_path(monkeypatch):
    monkeypatch.setenv("PATH", "")
    sh = system_program("sh")
    assert sh is not None and Path(sh).is_absolute() and os.access(sh, os.X_OK)
    assert system_program("no-such-program-datastack") is None


def test_system_directories_win_over_the_callers_path(monkeypatch, tmp_path):
    decoy = tmp_path / "sh"
    decoy.write_text("#!/bin/sh\nexit 0\n")
    decoy.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    assert system_program("sh") != str(decoy)


def test_a_program_only_on_the_callers_path_is_still_found_by_absolute_path(monkeypatch, tmp_path):
    tool = tmp_path / "datastack-test-tool"
    tool.write_text("#!/bin/sh\nexit 0\n")
    tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert system_program("datastack-test-tool") == str(tool)


def test_the_standin_script_is_installed_beside_the_interpreter():
    # scripts/setup.sh installs SecantusDB into the venv; that is where datastack looks, not PATH.
    script = environment_script("secantusd-py")
    assert script.parent == Path(sys.executable).parent and script.is_file()


def test_the_standin_starts_as_a_module_of_this_interpreter_with_an_empty_path():
    done = subprocess.run([sys.executable, "-m", "secantus", "--help"], capture_output=True, text=True,
                          env={"PATH": ""}, timeout=60)
    assert done.returncode == 0 and "--storage-path" in done.stdout


def test_child_path_puts_the_programs_directories_first_then_only_the_systems(monkeypatch):
    monkeypatch.setenv("PATH", "/root/.pyenv/shims:/usr/bin")
    assert path_with("/opt/node/bin/node", "/opt/node/bin/npm") == f"/opt/node/bin:{SYSTEM_PATH}"


def test_services_get_the_system_path_not_the_callers(monkeypatch):
    monkeypatch.setenv("PATH", "/root/.pyenv/shims:/home/dev/bin")
    svc = ServicePlan(name="redis", role="redis", implementation="redis-server", command=["/usr/bin/redis-server"],
                      run_as="root", readiness=Probe(kind="redis", host="127.0.0.1", port=6379))
    assert service_env(svc)["PATH"] == SYSTEM_PATH
