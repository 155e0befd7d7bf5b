"""`datastack schema`: editors validating an overlay accept `extends`, and every default is kept."""

from __future__ import annotations

import json
import subprocess
import sys

from datastack.paths import PROJECT_ROOT


def test_the_schema_knows_extends_tier_and_the_generate_default():
    done = subprocess.run([sys.executable, "-m", "datastack.cli", "schema"], capture_output=True, text=True,
                          cwd=PROJECT_ROOT, timeout=60)
    assert done.returncode == 0 and done.stderr == ""  # no "default excluded" warning
    schema = json.loads(done.stdout)
    assert schema["properties"]["extends"]["type"] == "string"
    assert schema["properties"]["tier"]["enum"] == ["development", "shared", "production"]
    assert schema["$defs"]["Credential"]["properties"]["password"]["default"] == "generate"
