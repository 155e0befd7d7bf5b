"""The host mongo-express build, started by its documented contract against an in-process stand-in."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest

from datastack.programs import system_program
from tests.integration.images.test_offline_images import http_status

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def standin(tmp_path):
    secantus = pytest.importorskip("secantus")
    server = secantus.SecantusDBServer(host="127.0.0.1", port=0, storage_path=str(tmp_path / "db"), replica_set_name=None)
    server.start()
    yield server.uri
    server.stop()


def test_host_build_starts_and_answers_401_then_200(tmp_path, standin):
    if system_program("node") is None or system_program("npm") is None:
        pytest.skip("node and npm are not installed (apt-get install -y nodejs npm)")
    from roles.mongo_express.host_build import (
        ensure_mongo_express_build,
        mongo_express_command,
        mongo_express_env,
    )

    build_dir = ensure_mongo_express_build(tmp_path / "cache", progress=print)
    assert ensure_mongo_express_build(tmp_path / "cache") == build_dir  # cached: no second build
    port = free_port()
    env = {**os.environ, **mongo_express_env(f"{standin}?directConnection=true", "ops", "me-test-pw", port=port)}
    proc = subprocess.Popen(mongo_express_command(build_dir), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if http_status(f"{base}/status") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        assert proc.poll() is None, proc.stdout.read().decode(errors="replace") if proc.stdout else ""
        assert http_status(f"{base}/") == 401
        assert http_status(f"{base}/", auth=("ops", "me-test-pw")) == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_start_script_refuses_to_run_without_basic_auth_credentials(tmp_path):
    from roles.mongo_express.host_build import RECIPE_DIR, START_SCRIPT

    env = {"PATH": os.environ["PATH"], "ME_CONFIG_MONGODB_URL": "mongodb://127.0.0.1:1/"}
    result = subprocess.run(["sh", str(RECIPE_DIR / START_SCRIPT)], env=env, capture_output=True, text=True)
    assert result.returncode == 2 and "ME_CONFIG_BASICAUTH_USERNAME" in result.stderr
