"""The CLI leaves through `exit_now` (no interpreter teardown): exit codes, piped output and atexit handlers
behave exactly as with a normal exit."""

from __future__ import annotations

import json
import subprocess
import sys

from datastack.paths import PROJECT_ROOT

CLI = [sys.executable, "-m", "datastack.cli"]


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60, **kwargs)


def test_exit_codes_are_kept():
    assert run("--help").returncode == 0
    bad = run("plan", "--env", "no_such_env")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "no_such_env" in bad.stderr


def test_large_output_reaches_a_pipe_whole():
    done = run("plan", "--env", "local", "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["environment"] == "local"


def test_atexit_handlers_and_string_codes_behave_as_sys_exit():
    script = ("import atexit, sys\n"
              "from datastack.cli import exit_now\n"
              "atexit.register(lambda: print('handler ran', flush=True))\n"
              "sys.stdout.write('buffered, not flushed')\n"
              "exit_now(sys.argv[1] if not sys.argv[1].isdigit() else int(sys.argv[1]))\n")
    code = subprocess.run([sys.executable, "-c", script, "3"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert code.returncode == 3 and "buffered, not flushed" in code.stdout and "handler ran" in code.stdout
    message = subprocess.run([sys.executable, "-c", script, "went wrong"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert message.returncode == 1 and message.stderr.strip() == "went wrong"


def test_a_profiled_run_still_writes_its_profile(tmp_path):
    out = tmp_path / "cli.prof"
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "datastack.cli", "--help"],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60)
    assert done.returncode == 0 and out.stat().st_size > 0
