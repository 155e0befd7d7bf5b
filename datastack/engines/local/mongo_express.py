"""Where a host-side mongo-express build lives, if one was built (see `datastack images`)."""

from __future__ import annotations

import os
from pathlib import Path


def mongo_express_dir() -> Path | None:
    override = os.environ.get("DATASTACK_MONGO_EXPRESS_DIR")
    if override:
        return Path(override)
    try:
        from ...images.mongo_express_build import built_mongo_express_dir  # provided by the images package
    except ImportError:
        return None
    return built_mongo_express_dir()
