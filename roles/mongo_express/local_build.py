"""mongo-express for the local engine: a host build made once (by `up`) and found again later."""

from __future__ import annotations

import os
from pathlib import Path

from datastack.paths import state_root
from datastack.programs import system_program


BUILD = "mongo-express"  # the finished host build's directory, as a program of the toolchain


def build_cache() -> Path:
    # Under the state root, so the service user that runs it can reach it.
    return state_root() / ".cache"


def mongo_express_dir() -> Path | None:
    """The finished build for the current recipe, or None (never builds: plan and status stay fast)."""
    override = os.environ.get("DATASTACK_MONGO_EXPRESS_DIR")
    if override:
        return Path(override)
    from roles.mongo_express.host_build import START_SCRIPT, build_hash

    candidate = build_cache() / f"mongo-express-{build_hash()}"
    return candidate if (candidate / START_SCRIPT).is_file() else None


def ensure_mongo_express(spec, say) -> None:
    """Build mongo-express on first `up` when the spec wants it and node/npm exist; else the plan says why not."""
    me = spec.services.mongo_express
    if me is None or not me.enabled or spec.services.mongodb is None or mongo_express_dir() is not None:
        return
    if not (system_program("node") and system_program("npm")):
        return
    from roles.mongo_express.host_build import ensure_mongo_express_build

    ensure_mongo_express_build(build_cache(), progress=say)


def find_mongo_express_programs(spec) -> dict[str, str | None]:
    build = mongo_express_dir()
    return {"node": system_program("node"), BUILD: str(build) if build and build.exists() else None}
