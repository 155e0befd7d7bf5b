"""Each offline image, built (or reused) and run for real: a login from the host through a published
127.0.0.1 port, services running as their own non-root user, and ps/ss present for testinfra."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from tests.integration.images.conftest import host_port, listening_ports, process_user, wait_for

pytestmark = [pytest.mark.docker, pytest.mark.integration, pytest.mark.timeout(900)]


def secret_file(tmp_path, name: str, value: str) -> str:
    path = tmp_path / name
    path.write_text(value + "\n")
    path.chmod(0o644)  # read by the service's own user inside the container
    return str(path)


def http_status(url: str, auth: tuple[str, str] | None = None) -> int:
    request = urllib.request.Request(url)
    if auth:
        import base64

        request.add_header("Authorization", "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_second_build_reuses_every_image(docker_client, images):
    from datastack.images.build import build_images

    started = time.monotonic()
    base, again = build_images(docker_client)
    assert base.reused and all(image.reused for image in again)
    assert {image.name: image.tag for image in again} == images
    assert time.monotonic() - started < 10, "an unchanged recipe must not rebuild"


def test_postgres_accepts_a_scram_login_from_the_host(images, run_container, tmp_path):
    import psycopg

    pg = run_container(images["postgres"], [5432], environment={"POSTGRES_PASSWORD_FILE": "/run/secrets/pg"},
                       volumes={secret_file(tmp_path, "pg", "pg-test-pw"): {"bind": "/run/secrets/pg", "mode": "ro"}})
    dsn = f"host=127.0.0.1 port={host_port(pg, 5432)} user=postgres dbname=postgres connect_timeout=3"
    with wait_for(lambda: psycopg.connect(f"{dsn} password=pg-test-pw"), container=pg, what="postgres") as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'").fetchone()[0]
        assert stored.startswith("SCRAM-SHA-256$")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(f"{dsn} password=wrong")
    assert process_user(pg, "postgres") == "postgres"
    assert "0.0.0.0:5432" in listening_ports(pg)


def test_redis_answers_auth_with_an_acl_user(images, run_container, tmp_path):
    import redis

    acl = secret_file(tmp_path, "users.acl",
                      "user default on >admin-test-pw ~* &* +@all\nuser app on >app-test-pw ~app:* +@read +@write +ping")
    rd = run_container(images["redis"], [6379], environment={"REDIS_ACL_FILE": "/etc/redis/users.acl"},
                       volumes={acl: {"bind": "/etc/redis/users.acl", "mode": "ro"}})
    port = host_port(rd, 6379)
    app = redis.Redis(host="127.0.0.1", port=port, username="app", password="app-test-pw", socket_timeout=3)
    try:
        assert wait_for(app.ping, container=rd, what="redis")
        app.set("app:greeting", "hi")
        with pytest.raises(redis.exceptions.NoPermissionError):
            app.set("not-app-key", "x")
    finally:
        app.close()
    anonymous = redis.Redis(host="127.0.0.1", port=port, socket_timeout=3)
    with pytest.raises(redis.exceptions.AuthenticationError):
        anonymous.ping()
    anonymous.close()
    assert process_user(rd, "redis-server") == "redis"


def test_mongodb_standin_answers_ping_only_with_auth(images, run_container, tmp_path):
    import pymongo

    sd = run_container(images["mongodb-standin"], [27017],
                       environment={"MONGO_INITDB_ROOT_USERNAME": "root", "MONGO_INITDB_ROOT_PASSWORD_FILE": "/run/secrets/m"},
                       volumes={secret_file(tmp_path, "m", "root-test-pw"): {"bind": "/run/secrets/m", "mode": "ro"}})
    uri = f"mongodb://127.0.0.1:{host_port(sd, 27017)}/?directConnection=true&serverSelectionTimeoutMS=2000"

    def authenticated_ping():
        with pymongo.MongoClient(uri, username="root", password="root-test-pw", authMechanism="SCRAM-SHA-256") as c:
            return c.admin.command("ping")

    assert wait_for(authenticated_ping, container=sd, what="stand-in", timeout_s=90)["ok"] == 1.0
    with pymongo.MongoClient(uri) as anonymous, pytest.raises(pymongo.errors.OperationFailure):
        anonymous.test.list_collection_names()
    assert process_user(sd, "secantusd-py") == "mongodb"


def test_mongo_express_answers_401_then_200_with_basic_auth(images, network, run_container, tmp_path):
    mongo = run_container(images["mongodb-standin"], [], network=network,
                          environment={"MONGO_INITDB_ROOT_USERNAME": "root", "MONGO_INITDB_ROOT_PASSWORD": "root-test-pw"})
    me = run_container(images["mongo-express"], [8081], network=network, environment={
        # containers on a user-defined network resolve each other by name
        "ME_CONFIG_MONGODB_URL": f"mongodb://root:root-test-pw@{mongo.name}:27017/?directConnection=true",
        "ME_CONFIG_BASICAUTH_USERNAME": "ops", "ME_CONFIG_BASICAUTH_PASSWORD_FILE": "/run/secrets/me"},
        volumes={secret_file(tmp_path, "me", "me-test-pw"): {"bind": "/run/secrets/me", "mode": "ro"}})
    base = f"http://127.0.0.1:{host_port(me, 8081)}"

    def index_with_auth():
        status = http_status(f"{base}/", auth=("ops", "me-test-pw"))
        assert status == 200, status  # 500 until the stand-in is up: keep polling
        return status

    wait_for(index_with_auth, container=me, what="mongo-express", timeout_s=90)
    assert http_status(f"{base}/") == 401
    assert http_status(f"{base}/", auth=("ops", "wrong")) == 401
    assert process_user(me, "node") == "mongo-express"


def test_app_starts_and_reports_its_redis_up(images, network, run_container, tmp_path):
    acl = secret_file(tmp_path, "users.acl", "user default off\nuser app on >app-test-pw ~app:* +@read +@write +ping")
    rd = run_container(images["redis"], [], network=network, environment={"REDIS_ACL_FILE": "/etc/redis/users.acl"},
                       volumes={acl: {"bind": "/etc/redis/users.acl", "mode": "ro"}})
    app = run_container(images["app"], [8080], network=network,
                        environment={"REDIS_URI": f"redis://app:app-test-pw@{rd.name}:6379/0", "APP_NAME": "imgtest"})
    url = f"http://127.0.0.1:{host_port(app, 8080)}/health"

    def healthy():
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.loads(response.read())

    body = wait_for(healthy, container=app, what="app /health")
    assert body["status"] == "ok" and body["dependencies"]["redis"]["up"] is True
    assert process_user(app, "python") == "app"
