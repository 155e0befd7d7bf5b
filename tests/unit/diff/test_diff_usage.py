"""`datastack diff` usage errors: one line, exit 2, before any server is read."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("args, fragment", [
    (["--env", "local"], "diff compares two environments, got 1"),
    (["--env", "local", "--env", "ci", "--from-stack", "outputs.json"], "--from-stack 'outputs.json': expected SIDE=FILE"),
    (["--env", "local", "--env", "ci", "--from-stack", "prod=outputs.json"], "SIDE one of local, ci"),
])
def test_bad_usage(args, fragment):
    done = subprocess.run([sys.executable, "-m", "datastack.cli", "diff", *args], capture_output=True, text=True, timeout=60)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1 and fragment in lines[0] and "fix:" in lines[0], lines
