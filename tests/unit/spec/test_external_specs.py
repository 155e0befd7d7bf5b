"""External stores in the spec: what `external:` accepts, and the bad input it refuses through the real CLI (exit 2,
one line naming file, field and fix, no secret or URI echoed, nothing written or started)."""

from __future__ import annotations

import copy

import pytest
from typer.testing import CliRunner

from datastack.cli import app
from tests.unit.spec.hostile import CANARY, assert_rejected, base_spec, files_under, run_plan, set_path, write_spec

M = "services.mongodb"


def external_mongo(tmp, external=None) -> dict:
    """The hostile suite's base spec with its MongoDB declared external: passwords by reference, no server fields."""
    spec = base_spec(tmp)
    mongo = spec["services"]["mongodb"]
    for provisioned in ("topology", "members", "port", "bind", "keyfile"):
        del mongo[provisioned]
    mongo["admin"]["password"] = "${env:EXT_MONGO_ADMIN}"
    for user in mongo["databases"]["bot_core"]["users"]:
        user["password"] = f"${{env:EXT_{user['name'].upper()}}}"
    mongo["external"] = external or {"hosts": ["db-0.example.net:27017", "10.0.0.7:27018"], "replica_set": "atlas-x1"}
    return spec


def test_an_external_mongodb_plans_nothing_to_run_and_says_so(tmp_path):
    code, out, err = run_plan(write_spec(tmp_path, external_mongo(tmp_path)))
    assert code == 0, err
    assert "mongodb is external (db-0.example.net:27017, 10.0.0.7:27018)" in " ".join(out.split())
    assert "mongodb-0" not in out and "secantus" not in out


def test_a_uri_reference_is_masked_in_plan(tmp_path, monkeypatch):
    monkeypatch.setenv("EXT_MONGO_URI", f"mongodb+srv://admin:{CANARY}@cluster0.example.net/")
    spec = external_mongo(tmp_path, {"uri": "${env:EXT_MONGO_URI}"})
    code, out, err = run_plan(write_spec(tmp_path, spec))
    assert code == 0, err
    assert "mongodb is external (URI by reference: ********)" in " ".join(out.split())
    assert CANARY not in out + err and "cluster0" not in out + err


BAD = [
    # ---- datastack cannot invent the password of a server it did not create
    ("admin-generate", f"{M}.admin.password", "generate", ("services.mongodb.external", "mongodb.admin")),
    ("user-generate", f"{M}.databases.bot_core.users.1.password", "generate",
     ("services.mongodb.external", "mongodb.bot_core.bot_core_app")),
    # ---- seed lists: host:port, a real host name or IP, port 1-65535
    ("port-too-big", f"{M}.external.hosts", ["db.example.net:99999"], ("services.mongodb.external.hosts.0",)),
    ("port-zero", f"{M}.external.hosts", ["db.example.net:0"], ("services.mongodb.external.hosts.0",)),
    ("no-port", f"{M}.external.hosts", ["db.example.net"], ("services.mongodb.external.hosts.0",)),
    ("space-in-host", f"{M}.external.hosts", ["db example.net:27017"], ("services.mongodb.external.hosts.0",)),
    ("newline-in-host", f"{M}.external.hosts", ["db.example.net\n:27017"], ("services.mongodb.external.hosts",)),
    ("uri-in-hosts", f"{M}.external.hosts", ["mongodb://db.example.net:27017"], ("services.mongodb.external.hosts.0",)),
    ("ipv6-unbracketed", f"{M}.external.hosts", ["::1:27017"], ("services.mongodb.external.hosts.0",)),
    ("label-dash", f"{M}.external.hosts", ["-db.example.net:27017"], ("services.mongodb.external.hosts.0",)),
    ("two-hosts-no-set", f"{M}.external", {"hosts": ["a.example.net:1", "b.example.net:2"]}, ("services.mongodb.external",)),
    # ---- a URI is a reference only (it may hold a password), and only one way of saying where
    ("literal-uri", f"{M}.external", {"uri": f"mongodb://admin:{CANARY}@db.example.net/"}, ("services.mongodb.external.uri",)),
    ("uri-generate", f"{M}.external", {"uri": "generate"}, ("services.mongodb.external.uri",)),
    ("uri-and-hosts", f"{M}.external", {"uri": "${env:X}", "hosts": ["db.example.net:27017"]}, ("services.mongodb.external",)),
    ("neither", f"{M}.external", {}, ("services.mongodb.external",)),
    ("uri-with-set", f"{M}.external", {"uri": "${env:X}", "replica_set": "rs0"}, ("services.mongodb.external",)),
    # ---- what only a provisioned server has is refused, not ignored
    ("port-beside-external", f"{M}.port", 27117, ("services.mongodb", "port")),
    ("members-beside-external", f"{M}.members", 3, ("services.mongodb", "members")),
    ("keyfile-beside-external", f"{M}.keyfile", "${env:KEYFILE}", ("services.mongodb", "keyfile")),
]


@pytest.mark.parametrize("case_id,path,value,fields", BAD, ids=[c[0] for c in BAD])
def test_bad_external_input_is_one_line(tmp_path, case_id, path, value, fields):
    spec = set_path(external_mongo(tmp_path), path, value)
    assert_rejected(tmp_path, write_spec(tmp_path, spec), fields=fields)


def test_a_generated_password_is_refused_even_when_unstated(tmp_path):
    spec = external_mongo(tmp_path)
    del spec["services"]["mongodb"]["databases"]["bot_core"]["users"][2]["password"]  # defaults to generate
    assert_rejected(tmp_path, write_spec(tmp_path, spec), fields=("mongodb.bot_core.bot_core_readonly",))


def test_a_secret_convention_supplies_the_references(tmp_path):
    spec = external_mongo(tmp_path)
    spec["secrets"] = {"default": "${env:DS_{ID}}"}
    for user in spec["services"]["mongodb"]["databases"]["bot_core"]["users"]:
        del user["password"]
    code, _, err = run_plan(write_spec(tmp_path, spec))
    assert code == 0, err


@pytest.mark.parametrize("resolved", [f"http://admin:{CANARY}@db.example.net/", f"mongodb://admin:{CANARY}@",
                                      f"mongodb+srv://admin:{CANARY}@a.example.net:27017,b.example.net/",
                                      f"{CANARY}", f"mongodb://admin:{CANARY}@db\x01.example.net:27017/",
                                      f"mongodb://admin:{CANARY}@db%01.example.net:27017/"])
def test_a_uri_reference_that_holds_no_mongodb_uri_stops_up_without_echoing_it(tmp_path, monkeypatch, resolved):
    monkeypatch.setenv("EXT_MONGO_URI", resolved)
    for name in ("EXT_MONGO_ADMIN", "EXT_BOT_CORE_ADMIN", "EXT_BOT_CORE_APP", "EXT_BOT_CORE_READONLY"):
        monkeypatch.setenv(name, "pw")
    spec = external_mongo(tmp_path, {"uri": "${env:EXT_MONGO_URI}"})
    spec["services"] = {"mongodb": spec["services"]["mongodb"]}  # nothing else that `up` could start
    path = write_spec(tmp_path, spec)
    before = files_under(tmp_path / "state")
    result = CliRunner().invoke(app, ["up", "--spec", str(path)], catch_exceptions=False)
    line = result.stderr.strip()
    assert result.exit_code == 2 and "\n" not in line, result.stdout + result.stderr
    assert "services.mongodb.external.uri" in line and "${env:EXT_MONGO_URI}" in line and "fix:" in line, line
    assert CANARY not in result.stdout + result.stderr and resolved not in result.stdout + result.stderr
    assert not {f for f in files_under(tmp_path / "state") - before if "endpoints" in f or "mongo" in f}


def test_the_shared_host_validators():
    from datastack.spec.external import check_host, check_host_port

    for good in ("db.example.net", "10.0.0.1", "::1", "localhost", "a-b.c"):
        assert check_host(good) == good
    for bad in ("", "a..b", "db_x.example.net", "a" * 64 + ".net", "é.net", "db.net\u200b", "db.net\n", "db\x00.net"):
        with pytest.raises(ValueError, match="fix:"):
            check_host(bad)
    assert check_host_port("[::1]:27017") == "[::1]:27017"
    for bad in ("[::1]27017", "db:", "db:+1", "db:٣", ":27017"):
        with pytest.raises(ValueError, match="fix:"):
            check_host_port(bad)


def test_external_ports_do_not_clash_with_provisioned_ones(tmp_path):
    # Nothing listens here for an external server: another section may use the same port number on this machine.
    spec = external_mongo(tmp_path, {"hosts": ["db.example.net:55432"]})
    code, _, err = run_plan(write_spec(tmp_path, copy.deepcopy(spec)))
    assert code == 0, err


def external_postgres_redis(tmp) -> dict:
    """The base spec with PostgreSQL and Redis declared external by host and port, passwords by reference."""
    spec = base_spec(tmp)
    pg, rd = spec["services"]["postgres"], spec["services"]["redis"]
    for section in (pg, rd):
        del section["port"], section["bind"]
    del pg["settings"]
    pg["superuser"]["password"] = "${env:EXT_PG_ADMIN}"
    rd["admin"]["password"] = "${env:EXT_REDIS_ADMIN}"
    for user in [u for db in pg["databases"].values() for u in db["users"]] + rd["users"]:
        user["password"] = f"${{env:EXT_{user['name'].upper()}}}"
    pg["external"] = {"host": "pg.example.net", "port": 5432}
    rd["external"] = {"host": "10.1.2.3", "port": 6379}
    return spec


def test_external_postgres_and_redis_plan_nothing_to_run(tmp_path):
    code, out, err = run_plan(write_spec(tmp_path, external_postgres_redis(tmp_path)))
    assert code == 0, err
    text = " ".join(out.split())
    assert "postgres is external (pg.example.net:5432)" in text and "redis is external (10.1.2.3:6379)" in text


P, R = "services.postgres", "services.redis"
BAD_BY_ADDRESS = [
    ("pg-superuser-generate", f"{P}.superuser.password", "generate", ("services.postgres.external", "postgres.superuser")),
    ("pg-user-generate", f"{P}.databases.algo_trading.users.1.password", "generate",
     ("services.postgres.external", "postgres.algo_trading.algo_trading_app")),
    ("redis-admin-generate", f"{R}.admin.password", "generate", ("services.redis.external", "redis.admin")),
    ("redis-user-generate", f"{R}.users.0.password", "generate", ("services.redis.external", "redis.users.trading_app")),
    ("pg-port-too-big", f"{P}.external.port", 70000, ("services.postgres.external.port",)),
    ("redis-port-zero", f"{R}.external.port", 0, ("services.redis.external.port",)),
    ("pg-host-with-port", f"{P}.external.host", "pg.example.net:5432", ("services.postgres.external.host",)),
    ("redis-host-newline", f"{R}.external.host", "cache\n.example.net", ("services.redis.external.host",)),
    ("redis-host-uri", f"{R}.external.host", "redis://cache.example.net", ("services.redis.external.host",)),
    ("pg-no-host", f"{P}.external", {"port": 5432}, ("services.postgres.external", "host is missing")),
    ("redis-no-port", f"{R}.external", {"host": "cache.example.net"}, ("services.redis.external", "port is missing")),
    ("pg-uri-and-host", f"{P}.external", {"uri": "${env:PG_URI}", "host": "pg.example.net", "port": 5432},
     ("services.postgres.external",)),
    ("pg-literal-uri", f"{P}.external", {"uri": f"postgresql://postgres:{CANARY}@pg.example.net/"},
     ("services.postgres.external.uri",)),
    ("redis-literal-uri", f"{R}.external", {"uri": f"rediss://admin:{CANARY}@cache.example.net:6380"},
     ("services.redis.external.uri",)),
    ("redis-uri-generate", f"{R}.external", {"uri": "generate"}, ("services.redis.external.uri",)),
    ("pg-settings-beside-external", f"{P}.settings", {"max_connections": 10}, ("services.postgres", "settings")),
    ("redis-databases-beside-external", f"{R}.databases", 4, ("services.redis", "databases")),
    ("redis-port-beside-external", f"{R}.port", 56379, ("services.redis", "port")),
]


@pytest.mark.parametrize("case_id,path,value,fields", BAD_BY_ADDRESS, ids=[c[0] for c in BAD_BY_ADDRESS])
def test_bad_external_address_input_is_one_line(tmp_path, case_id, path, value, fields):
    spec = set_path(external_postgres_redis(tmp_path), path, value)
    assert_rejected(tmp_path, write_spec(tmp_path, spec), fields=fields)


@pytest.mark.parametrize("store,resolved", [
    ("postgres", f"http://postgres:{CANARY}@pg.example.net/"), ("postgres", f"postgresql://postgres:{CANARY}@/db"),
    ("postgres", f"postgresql://postgres:{CANARY}@pg.example.net/?nosuchoption=1"), ("postgres", CANARY),
    ("redis", f"https://admin:{CANARY}@cache.example.net/"), ("redis", f"redis://admin:{CANARY}@cache.example.net:port/"),
    ("redis", f"unix:///tmp/{CANARY}.sock"), ("redis", CANARY),
    # Control characters the drivers' parsers let through, raw or percent-encoded into the host name.
    ("redis", f"rediss://admin:{CANARY}@cache.example.net:6380/0?x=\x01"),
    ("postgres", f"postgresql://postgres:{CANARY}@db%01.example.net:5432/x"),
])
def test_a_uri_reference_that_holds_no_uri_of_its_store_stops_up_without_echoing_it(tmp_path, monkeypatch, store, resolved):
    spec = external_postgres_redis(tmp_path)
    spec["services"] = {store: spec["services"][store]}  # nothing else that `up` could start
    spec["services"][store]["external"] = {"uri": "${env:EXT_STORE_URI}"}
    monkeypatch.setenv("EXT_STORE_URI", resolved)
    for section in spec["services"].values():
        for ref in [section.get("superuser", section.get("admin"))["password"]] + [
                u["password"] for u in section.get("users", [])] + [
                u["password"] for db in section.get("databases", {}).values() for u in db["users"]]:
            monkeypatch.setenv(ref.removeprefix("${env:").removesuffix("}"), "pw")
    path = write_spec(tmp_path, spec)
    result = CliRunner().invoke(app, ["up", "--spec", str(path)], catch_exceptions=False)
    line = result.stderr.strip()
    assert result.exit_code == 2 and "\n" not in line, result.stdout + result.stderr
    assert f"services.{store}.external.uri" in line and "${env:EXT_STORE_URI}" in line and "fix:" in line, line
    assert CANARY not in result.stdout + result.stderr


def test_store_uris_keep_the_declared_servers_options_and_put_the_login_in():
    from datastack.credentials import Login
    from datastack.endpoints import Endpoints, PostgresEndpoint, RedisEndpoint
    from roles.postgres.login import postgres_uri
    from roles.redis.login import redis_uri

    endpoints = Endpoints(environment="x", engine="local",
                          postgres=PostgresEndpoint(host="", port=0, external=True, uri_secret_id="postgres.external_uri"),
                          redis=RedisEndpoint(host="", port=0, external=True, uri_secret_id="redis.external_uri"))
    pg = Login("app", "p@ss/word", "trading", "app",
               server_uri="postgresql://them:theirs@a.example.net:5433,b.example.net:5434/other?sslmode=verify-full"
                          "&target_session_attrs=read-write&connect_timeout=99")
    uri = postgres_uri(endpoints, pg, timeout_s=3)
    assert uri == ("postgresql://app:p%40ss%2Fword@a.example.net:5433,b.example.net:5434/trading?sslmode=verify-full"
                   "&target_session_attrs=read-write&connect_timeout=3")
    rd = Login("admin", "secret", None, "admin", server_uri="rediss://them:theirs@cache.example.net:6380/5?ssl_cert_reqs=required")
    assert redis_uri(endpoints, rd) == "rediss://admin:secret@cache.example.net:6380/0?ssl_cert_reqs=required"
