"""The spine, for real: up, idempotent up, uri per user, app health, down keeps data, purge."""

from __future__ import annotations

import json
import urllib.request

import psycopg
import pymongo
import pytest
import redis

from datastack.programs import system_program

pytestmark = pytest.mark.integration


def test_up_starts_every_service_and_status_reports_running(local_env):
    status = json.loads(local_env.cli("status", "--json").stdout)
    states = {s["name"]: s["state"] for s in status["services"]}
    expected = {"mongodb", "postgres", "redis", "app-reference"}
    if system_program("node") and system_program("npm"):
        expected.add("mongo_express")  # built on first up where node and npm exist
    assert states == dict.fromkeys(expected, "running")
    assert any("stand-in" in note for note in status["notes"])


def test_second_up_restarts_nothing(local_env):
    before = {s["name"]: s["pid"] for s in json.loads(local_env.cli("status", "--json").stdout)["services"]}
    out = local_env.cli("up").stdout  # its duration is measured in benchmarks/idempotent_up.py
    after = {s["name"]: s["pid"] for s in json.loads(local_env.cli("status", "--json").stdout)["services"]}
    assert before == after
    assert out.count("unchanged") == len(before)


def test_uri_authenticates_app_users_with_each_driver(local_env):
    with pymongo.MongoClient(local_env.cli("uri", "mongodb", "--as", "bot_core_app").stdout.strip()) as client:
        users = client.get_default_database().command("connectionStatus")["authInfo"]["authenticatedUsers"]
        assert users == [{"user": "bot_core_app", "db": "bot_core"}]
    with psycopg.connect(local_env.cli("uri", "postgres", "--as", "algo_trading_app").stdout.strip()) as conn:
        assert conn.execute("SELECT current_user, current_database()").fetchone() == ("algo_trading_app", "algo_trading")
    client = redis.Redis.from_url(local_env.cli("uri", "redis", "--as", "trading_app").stdout.strip())
    try:
        assert client.acl_whoami() == "trading_app"
    finally:
        client.close()


def test_app_health_reports_all_dependencies_up(local_env):
    url = local_env.endpoints().apps["reference"].url
    with urllib.request.urlopen(f"{url}/health", timeout=10) as response:
        body = json.loads(response.read())
    assert response.status == 200
    assert {name: dep["up"] for name, dep in body["dependencies"].items()} == {"mongodb": True, "postgres": True, "redis": True}


@pytest.mark.parametrize("service", ["mongodb", "postgres", "redis"])
def test_wrong_password_unknown_user_and_anonymous_are_refused(local_env, service):
    good = local_env.uri(service, {"mongodb": "bot_core_app", "postgres": "algo_trading_app", "redis": "trading_app"}[service])
    secret = local_env.secrets()[{"mongodb": "mongodb.bot_core.bot_core_app", "postgres": "postgres.algo_trading.algo_trading_app",
                                  "redis": "redis.users.trading_app"}[service]]
    wrong_password = good.replace(secret, "not-the-password")
    unknown_user = wrong_password.replace({"mongodb": "bot_core_app", "postgres": "algo_trading_app", "redis": "trading_app"}[service], "nobody")
    for uri in (wrong_password, unknown_user):
        with pytest.raises(Exception) as refused:
            _use(service, uri)
        assert "auth" in str(refused.value).lower() or "password" in str(refused.value).lower()
    anonymous = good.split("@", 1)[1].split("?")[0] + ("?directConnection=true" if service == "mongodb" else "")
    with pytest.raises(Exception) as refused:
        _use(service, {"mongodb": "mongodb://", "postgres": "postgresql://", "redis": "redis://"}[service] + anonymous)
    assert any(word in str(refused.value).lower() for word in ("auth", "password", "noauth"))


def test_mongo_express_requires_basic_auth(local_env):
    if local_env.endpoints().mongo_express is None or "mongo_express" not in local_env.cli("status").stdout:
        pytest.skip("mongo-express is not built on this machine (needs node and npm)")
    import base64
    import urllib.error

    url = local_env.endpoints().mongo_express.url + "/"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code == 401
    token = base64.b64encode(f"admin:{local_env.secrets()['mongo_express.basic_auth']}".encode()).decode()
    request = urllib.request.Request(url, headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def _use(service: str, uri: str) -> None:
    if service == "mongodb":
        with pymongo.MongoClient(uri, serverSelectionTimeoutMS=3000) as client:
            client.get_database("bot_core").list_collection_names()
    elif service == "postgres":
        psycopg.connect(uri, connect_timeout=3).close()
    else:
        client = redis.Redis.from_url(uri, socket_timeout=3)
        try:
            client.get("app:probe")
        finally:
            client.close()
