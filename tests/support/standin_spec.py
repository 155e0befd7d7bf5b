"""A spec file for the real CLI against a server a test started itself: secrets by ${env:...}, and the
endpoints record `up` would have left, so commands take the same path as after a real `up`."""

from __future__ import annotations

from pathlib import Path

import yaml


def mongodb_spec_file(directory: Path, port: int, database: str, schema: Path, *, admin_env: str = "DS_TEST_MONGO_ADMIN",
                      user_env: str = "DS_TEST_MONGO_USER") -> Path:
    """A `ci` spec with one stand-in MongoDB database; its admin and users' passwords come from two env variables."""
    users = [{"name": f"{database}_{access}", "access": access, "roles": [role], "password": f"${{env:{user_env}}}"}
             for access, role in (("admin", "dbOwner"), ("app", "readWrite"), ("readonly", "read"))]
    spec = {
        "name": "ci",
        "state_dir": str(directory / "state"),
        "services": {"mongodb": {"topology": "standalone", "members": 1, "port": port,
                                 "admin": {"name": "admin", "password": f"${{env:{admin_env}}}"},
                                 "databases": {database: {"schema": str(schema), "users": users}}}},
    }
    path = directory / "ci.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    from datastack.endpoints import Endpoints, MongoEndpoint

    Endpoints(environment="ci", engine="local", mongodb=MongoEndpoint(hosts=[f"127.0.0.1:{port}"], stand_in=True)
              ).save(directory / "state" / "endpoints.json")
    return path
