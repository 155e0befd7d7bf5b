"""mongo-express built on the host, for the local-process engine (no Docker): the same build as the image.

`ensure_mongo_express_build(cache_dir)` runs images/mongo-express/build-mongo-express.sh once per version
hash (the hash of that script, build-assets.mjs and start-mongo-express.sh) into
`cache_dir/mongo-express-<hash>/` and returns that directory; later calls return it at once.
Needs node >= 18.18 and npm on the host (Debian: `apt-get install -y nodejs npm`) and the npm registry.

Start contract (the same as inside the `datastack/mongo-express` image):

    command: [str(build_dir / "start-mongo-express.sh")]   (== mongo_express_command(build_dir))
    cwd:     any (the script changes into node_modules/mongo-express, where it reads ./config.js and ./.env)
    env:
      ME_CONFIG_MONGODB_URL          connection string, e.g. mongodb://user:pw@127.0.0.1:27017/?directConnection=true
                                     (required; or ME_CONFIG_MONGODB_URL_FILE, first line of a file)
      ME_CONFIG_BASICAUTH            "true" (default) or "false"
      ME_CONFIG_BASICAUTH_USERNAME   required while basic auth is on (or ..._USERNAME_FILE)
      ME_CONFIG_BASICAUTH_PASSWORD   required while basic auth is on (or ..._PASSWORD_FILE)
      VCAP_APP_HOST                  listen address, default 127.0.0.1
      PORT                           listen port, default 8081
      ME_CONFIG_SITE_SESSIONSECRET, ME_CONFIG_SITE_COOKIESECRET   random per start when unset
      ME_CONFIG_MONGODB_ENABLE_ADMIN "true" lists every database (needs a user that may list them)
      ME_CONFIG_HEALTH_CHECK_PATH    default /status (200 without basic auth: use it for readiness)
    readiness: GET http://VCAP_APP_HOST:PORT/status -> 200; GET / -> 401 without basic auth, 200 with it.
    exit code 2 at once when a required variable is missing (message on stderr).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from datastack import paths
from datastack.errors import RuntimeFailure, UserError
from datastack.images.hashing import hash_files, short
from datastack.images.progress import Progress, quiet, run_with_ticker, tail
from datastack.programs import path_with, system_program

RECIPE_DIR = paths.PROJECT_ROOT / "images" / "mongo-express"
BUILD_SCRIPT = "build-mongo-express.sh"
START_SCRIPT = "start-mongo-express.sh"
_HASHED = (BUILD_SCRIPT, "build-assets.mjs", START_SCRIPT)
MIN_NODE = (18, 18)
NODE_FIX = "install Node.js >= 18.18 and npm (Debian: `apt-get install -y nodejs npm`)"
BUILD_LIMIT_VARIABLE = "DATASTACK_MONGO_EXPRESS_BUILD_TIMEOUT"
DEFAULT_BUILD_LIMIT_S = 900.0  # about 30 s on a good network: an npm retrying an unreachable registry gives up here


def build_limit_s() -> float:
    """Seconds the npm build may take, from the environment (a slow mirror) or the default."""
    raw = os.environ.get(BUILD_LIMIT_VARIABLE, "")
    try:
        return float(raw) if raw and float(raw) > 0 else DEFAULT_BUILD_LIMIT_S
    except ValueError:
        raise UserError(f"{BUILD_LIMIT_VARIABLE} must be a number of seconds (got {raw[:20]!r})",
                        fix="unset it or set it to e.g. 1800") from None


def build_hash() -> str:
    return short(hash_files({name: RECIPE_DIR / name for name in _HASHED}))


def mongo_express_command(build_dir: Path) -> list[str]:
    return [str(Path(build_dir) / START_SCRIPT)]


def mongo_express_env(mongodb_url: str, username: str, password: str, *, host: str = "127.0.0.1",
                      port: int = 8081) -> dict[str, str]:
    """The variables start-mongo-express.sh needs, basic auth on; merge into a copy of os.environ."""
    return {
        "ME_CONFIG_MONGODB_URL": mongodb_url,
        "ME_CONFIG_BASICAUTH": "true",
        "ME_CONFIG_BASICAUTH_USERNAME": username,
        "ME_CONFIG_BASICAUTH_PASSWORD": password,
        "VCAP_APP_HOST": host,
        "PORT": str(port),
    }


def _check_node() -> tuple[str, str]:
    """The installed `node` (>= 18.18) and `npm`; UserError otherwise."""
    node, npm = system_program("node"), system_program("npm")
    if node is None or npm is None:
        raise UserError("node and npm are needed to build mongo-express on this host", fix=NODE_FIX)
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    match = re.match(r"v(\d+)\.(\d+)", version)
    if not match or (int(match[1]), int(match[2])) < MIN_NODE:
        raise UserError(f"node {version or '?'} is too old for mongo-express 1.1 (needs >= 18.18)", fix=NODE_FIX)
    return node, npm


def ensure_mongo_express_build(cache_dir: Path, progress: Progress | None = None) -> Path:
    """The built mongo-express directory for this recipe version, building it once if missing."""
    progress = progress or quiet
    cache_dir = Path(cache_dir)
    target = cache_dir / f"mongo-express-{build_hash()}"
    if (target / START_SCRIPT).is_file():
        return target
    node, npm = _check_node()
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename: an interrupted build never looks finished.
    staging = Path(tempfile.mkdtemp(prefix=".mongo-express-building-", dir=cache_dir))
    try:
        progress(f"mongo-express: installing from npm and building its assets into {paths.display(target)} (~30 s)")
        result = run_with_ticker(["/bin/sh", str(RECIPE_DIR / BUILD_SCRIPT), str(staging)], label="mongo-express build",
                                 progress=progress, limit_s=build_limit_s(),
                                 env={**os.environ, "PATH": path_with(node, npm), "npm_config_update_notifier": "false"})
        if result.timed_out:
            raise RuntimeFailure(f"building mongo-express gave up after {build_limit_s():.0f} s: {tail(result.stdout)}",
                                 fix="check that the npm registry is reachable from this machine (a proxy may need "
                                     "NODE_EXTRA_CA_CERTS), or allow more time with "
                                     f"{BUILD_LIMIT_VARIABLE}=<seconds>, then retry")
        if result.returncode != 0:
            raise RuntimeFailure(f"building mongo-express failed (exit {result.returncode}): {tail(result.stdout)}",
                                 fix="check that the npm registry is reachable and node >= 18.18, then retry")
        staging.chmod(0o755)  # mkdtemp made it 0700; the engine may run it as another user
        try:
            staging.rename(target)
        except OSError:
            if not (target / START_SCRIPT).is_file():  # a concurrent build that won the rename is fine
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    progress(f"mongo-express: built {paths.display(target)}")
    return target
