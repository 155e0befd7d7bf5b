"""Rotation on the local engine: change every secret (administrators included), run `datastack migrate`,
and the new passwords work, the old ones are refused, for all three stores; the next `up` restarts only
what reads a password at run time (the app's connection URIs), never a store."""

from __future__ import annotations

import json
import secrets as token_source

import psycopg
import pymongo
import pytest
import redis

from tests.support.environments import create_environment

pytestmark = pytest.mark.integration

# (store, user or None for the administrator): one administrator and one application login per store.
LOGINS = [("mongodb", None), ("mongodb", "bot_core_app"), ("postgres", None), ("postgres", "algo_trading_app"),
          ("redis", None), ("redis", "trading_app")]


def logs_in(store: str, uri: str) -> bool:
    try:
        if store == "mongodb":
            with pymongo.MongoClient(uri, serverSelectionTimeoutMS=3000) as client:
                client.get_default_database("admin").command("ping")
        elif store == "postgres":
            psycopg.connect(uri).close()
        else:
            client = redis.Redis.from_url(uri)
            try:
                client.ping()
            finally:
                client.close()
        return True
    except (pymongo.errors.OperationFailure, psycopg.OperationalError, redis.AuthenticationError):
        return False


@pytest.fixture(scope="module")
def env():
    environment = create_environment("datastack-rotation-", mutate=lambda d: d["services"].pop("mongo_express", None))
    environment.cli("migrate")
    try:
        yield environment
    finally:
        environment.destroy()


def pids(env) -> dict[str, int]:
    return {s["name"]: s["pid"] for s in json.loads(env.cli("status", "--json").stdout)["services"]}


def test_rotating_every_secret_is_a_migrate(env):
    old_uris = {(store, user): env.uri(store, user) for store, user in LOGINS}
    assert all(logs_in(store, uri) for (store, _), uri in old_uris.items())
    before = pids(env)

    # Rotate every generated secret, the administrators' included (the keyFile is absent: no mongod here).
    path = env.session.state_dir / "secrets.json"
    rotated = {key: token_source.token_hex(24) for key in json.loads(path.read_text())}
    path.write_text(json.dumps(rotated))

    out = env.cli("migrate").stdout
    assert "password" in out

    for (store, user), old in old_uris.items():
        new = env.uri(store, user)
        assert new != old
        assert logs_in(store, new), f"{store} {user or 'admin'}: the new password is refused after migrate"
        assert not logs_in(store, old), f"{store} {user or 'admin'}: the old password still works after migrate"

    # A second migrate has nothing left to change, and `up` restarts only the app (its URIs hold passwords).
    again = json.loads(env.cli("migrate", "--json").stdout)
    assert not [c for r in again["stores"] for c in r["applied"] if "password" in c["detail"] or c["action"] == "set_password"]
    out = env.cli("up").stdout
    after = pids(env)
    restarted = {name for name in before if before[name] != after[name]}
    assert restarted == {"app-reference"}, out
    assert "app-reference    restarted" in out
