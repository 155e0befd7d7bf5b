"""The Pulumi program under mocks, for every stack: the resource graph it declares."""

from __future__ import annotations

import pytest

from .conftest import STACKS

OFFICIAL = {"mongo:7.0", "postgres:15-bookworm", "redis:7.0-bookworm", "mongo-express:1.0.2"}


@pytest.mark.parametrize("stack", STACKS)
def test_one_component_per_role_and_every_container_parented(stacks, stack):
    declared = stacks[stack]
    components = {r.type.split(":")[-1] for r in declared.resources if r.type.startswith("datastack:index:")}
    expected = {"MongoReplicaSet", "Postgres", "Redis", "App", "Reconcile"} | ({"MongoExpress"} if stack != "prod" else set())
    assert components == expected
    component_names = {r.name for r in declared.resources if r.type.startswith("datastack:index:")}
    for resource in declared.resources:
        if resource.type.startswith(("docker:", "command:")) and not resource.type.endswith("network:Network"):
            assert resource.parent in component_names, resource.name
            assert resource.name.startswith(f"{resource.parent}-"), "child names derive from the component's"


@pytest.mark.parametrize("stack, members", [("dev", 3), ("staging", 3), ("prod", 3)])
def test_mongodb_members_and_one_first_start_exec_no_job_container(stacks, stack, members):
    declared = stacks[stack]
    mongo = [c for c in declared.containers if c.parent == f"unit-{stack}-mongodb"]
    assert len(mongo) == members and not [c for c in mongo if c.inputs.get("mustRun") is False], "no one-shot container"
    (first_start,) = [r for r in declared.of_type("local:Command") if r.parent == f"unit-{stack}-mongodb"]
    assert {s.name for s in mongo} <= set(first_start.depends_on), "the set is formed once every member is up"
    assert f"exec -i datastack-{stack}-mongodb-0 mongosh --quiet --norc --host 127.0.0.1" in first_start.inputs["create"]
    assert "stdin" in first_start.secret_inputs, "the administrator's password is a Pulumi secret"
    assert '"admin": {' in first_start.inputs["stdin"] and "bot_core" not in first_start.inputs["stdin"], \
        "the first start makes the administrator only"
    assert "environment" not in first_start.secret_inputs and "pwd" not in str(first_start.inputs["environment"])


def test_standin_image_makes_its_own_administrator_no_job(stacks):
    mongo = [c for c in stacks["ci"].containers if c.parent == "unit-ci-mongodb"]
    assert [c.name for c in mongo] == ["unit-ci-mongodb-mongodb"]


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_real_replica_set_uses_official_images_keyfile_and_replset(stacks, stack):
    declared = stacks[stack]
    images = {c.inputs["image"] for c in declared.containers if "app-" not in c.name}
    assert images <= OFFICIAL and "mongo:7.0" in images  # the reference app only exists as datastack/app
    for index in range(3):
        member = declared.container(f"datastack-{stack}-mongodb-{index}")
        assert member.inputs["command"] == ["mongod", "--config", "/etc/datastack/mongod.conf"]
        uploads = {u["file"]: u for u in member.inputs["uploads"]}
        keyfile = uploads["/etc/datastack/keyfile"]
        assert (keyfile["permissions"], keyfile["owner"], keyfile["group"]) == ("0400", "999", "999")
        assert "replSetName: \"rs0\"" in uploads["/etc/datastack/mongod.conf"]["content"]
        assert 'keyFile: "/etc/datastack/keyfile"' in uploads["/etc/datastack/mongod.conf"]["content"]
    # `container:<name>` reads back as `container:<id>` (a replace-forcing field): never declared.
    assert not [c.name for c in declared.containers if "networkMode" in c.inputs]


def test_ci_uses_offline_images_and_the_standin(stacks):
    declared = stacks["ci"]
    assert all(c.inputs["image"].startswith("datastack/") for c in declared.containers)
    mongo = declared.container("datastack-ci-mongodb")
    env = dict(e.split("=", 1) for e in mongo.inputs["envs"])
    assert env["MONGO_INITDB_ROOT_PASSWORD_FILE"] == "/etc/datastack/root.pw"
    password = next(u for u in mongo.inputs["uploads"] if u["file"] == "/etc/datastack/root.pw")
    assert password["permissions"] == "0400" and password["owner"] == "999"
    assert "MONGO_INITDB_ROOT_PASSWORD" not in env, "passwords reach containers as files, not variables"


@pytest.mark.parametrize("stack", STACKS)
def test_every_server_has_healthcheck_restart_policy_and_loopback_ports(stacks, stack):
    for container in stacks[stack].containers:
        if container.inputs.get("mustRun") is False:
            continue  # one-shot jobs exit by design
        assert container.inputs["healthcheck"]["tests"], container.name
        assert container.inputs["restart"] == "unless-stopped"
        for port in container.inputs.get("ports", []):
            assert port["ip"] == "127.0.0.1", f"{container.name} publishes beyond loopback"


@pytest.mark.parametrize("stack", STACKS)
def test_app_gets_least_privileged_credentials_over_the_private_network(stacks, stack):
    declared = stacks[stack]
    app = declared.container(f"datastack-{stack}-app-reference")
    env = dict(e.split("=", 1) for e in app.inputs["envs"])
    assert not {"MONGODB_URI", "POSTGRES_URI", "REDIS_URI"} & set(env), "URIs with passwords arrive as files"
    files = {u["file"]: u for u in app.inputs["uploads"]}
    for key in ("MONGODB_URI", "POSTGRES_URI", "REDIS_URI"):
        delivered = files[env[f"{key}_FILE"]]
        assert (delivered["permissions"], delivered["owner"]) == ("0400", "10001")
        env[key] = delivered["content"].strip()
    assert env["MONGODB_URI"].startswith("mongodb://bot_core_app:") and "authSource=bot_core" in env["MONGODB_URI"]
    assert "@mongodb" in env["MONGODB_URI"], "reaches MongoDB by its network name"
    assert env["POSTGRES_URI"].startswith("postgresql://algo_trading_app:") and "@postgres:5432/algo_trading" in env["POSTGRES_URI"]
    assert env["REDIS_URI"].startswith("redis://trading_app:") and "@redis:6379/" in env["REDIS_URI"]
    for admin in ("admin", "postgres", "bot_core_admin", "algo_trading_owner"):
        assert f"//{admin}:" not in " ".join(env.values())
    assert env["APP_PORT"] == "8080" and env["APP_BIND"] == "0.0.0.0"


@pytest.mark.parametrize("stack", STACKS)
def test_depends_on_order(stacks, stack):
    declared = stacks[stack]
    app = next(c for c in declared.containers if c.parent == f"unit-{stack}-app-reference")
    # The stand-in (ci) makes its administrator itself: the app waits for the server, elsewhere for the first start.
    mongo_ready = f"unit-{stack}-mongodb-mongodb" if stack == "ci" else f"unit-{stack}-mongodb-first-start"
    assert {mongo_ready, f"unit-{stack}-postgres-server", f"unit-{stack}-redis-server"} <= set(app.depends_on)
    assert f"unit-{stack}-reconcile-migrate" in app.depends_on
    if stack != "prod":
        express = next(c for c in declared.containers if c.parent == f"unit-{stack}-mongo-express")
        assert f"unit-{stack}-reconcile-migrate" in express.depends_on


@pytest.mark.parametrize("stack", STACKS)
def test_no_job_writes_postgres_roles_the_reconciler_does(stacks, stack):
    declared = stacks[stack]
    assert not [c for c in declared.containers if "postgres-init" in c.inputs["name"]]
    server = declared.container(f"datastack-{stack}-postgres")
    assert server.inputs["mounts"][0]["target"] == "/var/lib/postgresql/data"
    for container in declared.containers:
        for upload in container.inputs.get("uploads") or []:
            assert "PASSWORD '" not in upload.get("content", ""), f"{container.name} ships a plaintext password statement"


def test_prod_has_no_mongo_express(stacks):
    assert not any("mongo" in c.inputs["name"] and "express" in c.inputs["name"] for c in stacks["prod"].containers)


@pytest.mark.parametrize("stack", STACKS)
def test_data_volumes_are_retained(stacks, stack):
    volumes = stacks[stack].of_type("volume:Volume")
    assert volumes and all(v.inputs["name"].startswith(f"datastack-{stack}-") for v in volumes)


@pytest.mark.parametrize("stack", STACKS)
def test_secrets_are_pulumi_secrets(stacks, stack):
    declared = stacks[stack]
    app = declared.container(f"datastack-{stack}-app-reference")
    assert "uploads" in app.secret_inputs, "URIs with passwords must be secret in the state"
    assert "envs" not in app.secret_inputs, "and nothing secret is left in its environment"
    for container in declared.containers:
        if any(u.get("file", "").endswith((".pw", "keyfile", "users.acl", "_uri")) for u in container.inputs.get("uploads") or []):
            assert "uploads" in container.secret_inputs, container.name
