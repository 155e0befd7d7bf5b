"""One stand-in MongoDB for the session; each test gets its own database name."""

from __future__ import annotations

import itertools

import pytest

from mongodb_standin import BOT_CORE_SCHEMA, MongoStandIn, environment

pytestmark = pytest.mark.integration

_names = itertools.count(1)


@pytest.fixture(scope="session")
def mongo(tmp_path_factory):
    server = MongoStandIn(tmp_path_factory.mktemp("mongo")).start()
    yield server
    server.stop()


@pytest.fixture
def admin(mongo):
    client = mongo.admin_client()
    yield client
    client.close()


@pytest.fixture
def db_name(request) -> str:
    return f"t{next(_names)}_{request.node.name[:20].lower().replace('[', '_').replace(']', '').replace('-', '_')}"


@pytest.fixture
def bot_core_env(mongo, db_name):
    """(spec, endpoints, secrets) migrating the Bot Core schema into a fresh database."""
    return environment(mongo.port, db_name, BOT_CORE_SCHEMA)


@pytest.fixture
def make_env(mongo, db_name, tmp_path):
    """Build an environment whose schema is the given YAML text (written under tmp_path)."""

    def build(schema_text: str, users: list[dict] | None = None, migrations: dict[str, str] | None = None):
        directory = tmp_path / "schema"
        directory.mkdir(exist_ok=True)
        path = directory / "schema.yaml"
        path.write_text(schema_text)
        for name, body in (migrations or {}).items():
            (directory / name).write_text(body)
        return environment(mongo.port, db_name, path, users)

    return build
