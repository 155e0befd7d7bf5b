"""The production path under the mocks, for every stack: what `pulumi up` would declare about secrets, one-shot
work, graceful stops, the replica set's initiation and the reconcile step (docs/production.md)."""

from __future__ import annotations

import json

import pytest

from .conftest import STACKS, declare_stack

DATA_ROLES = ("mongodb", "postgres", "redis")


def servers_of(declared, stack: str, role: str):
    return [c for c in declared.containers if c.parent == f"unit-{stack}-{role}"]


@pytest.mark.parametrize("stack", STACKS)
def test_no_one_shot_container_at_all(stacks, stack):
    """A one-shot container's exit code is never read by the provider, and it is kept with what it was given."""
    assert not [c.name for c in stacks[stack].containers if c.inputs.get("mustRun") is False or c.inputs.get("attach")]


@pytest.mark.parametrize("stack", STACKS)
def test_no_data_container_has_a_secret_in_its_environment(stacks, stack):
    declared = stacks[stack]
    secrets = [v for v in declared.secrets.values()]
    for role in DATA_ROLES:
        for server in servers_of(declared, stack, role):
            env = " ".join(server.inputs.get("envs") or [])
            assert not [s for s in secrets if s in env], f"{server.name} has a secret in its environment"
            assert "envs" not in server.secret_inputs, f"{server.name}: nothing secret should be in its env at all"


@pytest.mark.parametrize("stack", STACKS)
def test_every_data_container_stops_gracefully(stacks, stack):
    declared = stacks[stack]
    for role in DATA_ROLES:
        servers = servers_of(declared, stack, role)
        assert servers
        for server in servers:
            assert server.inputs["destroyGraceSeconds"] >= 30, server.name
            assert server.inputs["stopTimeout"] >= 30, server.name


def initiation_config(declared, stack: str) -> dict:
    (first_start,) = [r for r in declared.of_type("local:Command") if r.parent == f"unit-{stack}-mongodb"]
    first_line = first_start.inputs["stdin"].split("\n", 1)[0]
    assert first_line.startswith("const cfg = ") and first_line.endswith(";")
    return json.loads(first_line.removeprefix("const cfg = ").removesuffix(";"))["replicaSet"]


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_member_zero_has_the_highest_priority_in_the_initiation_config(stacks, stack):
    members = initiation_config(stacks[stack], stack)["members"]
    assert len(members) == 3 and members[0]["priority"] > max(m["priority"] for m in members[1:])
    assert all(m["priority"] >= 1 for m in members), "every member can still be elected"


@pytest.mark.parametrize("stack", STACKS)
def test_a_reconcile_step_every_app_and_mongo_express_waits_for(stacks, stack):
    declared = stacks[stack]
    (migrate,) = [r for r in declared.of_type("local:Command") if r.parent == f"unit-{stack}-reconcile"]
    assert migrate.inputs["create"].endswith(f"-m datastack.cli migrate --env {stack} --from-stack /dev/stdin")
    endpoints = json.loads(migrate.inputs["stdin"])["endpoints"]
    assert {"mongodb", "postgres", "redis"} <= set(endpoints), "migrate is told where every store answers"
    assert "triggers" in migrate.secret_inputs, "the desired-state hash covers the passwords: kept secret"
    servers = {c.name for role in DATA_ROLES for c in servers_of(declared, stack, role)}
    assert servers - {f"unit-{stack}-mongodb-mongodb-{i}" for i in range(3)} <= set(migrate.depends_on) | servers
    needs = {f"unit-{stack}-postgres-server", f"unit-{stack}-redis-server",
             f"unit-{stack}-mongodb-mongodb" if stack == "ci" else f"unit-{stack}-mongodb-first-start"}
    assert needs <= set(migrate.depends_on)
    waiting = [c for c in declared.containers if "-app-" in c.parent or c.parent.endswith("-mongo-express")]
    assert waiting and all(migrate.name in c.depends_on for c in waiting)


@pytest.mark.parametrize("stack", STACKS)
def test_the_same_config_declares_identical_inputs_twice(stacks, stack):
    """A second `pulumi up` with no change must declare no replacement: every input the same, byte for byte."""
    again = declare_stack(stack, f"unit-again-{stack}")

    def shape(declared, prefix):
        # The mocks' ids derive from resource names (`<name>-id`): the only place the test prefix may show.
        return sorted((r.type, r.name.removeprefix(prefix), json.dumps(r.inputs, sort_keys=True).replace(f"{prefix}-", "~-"))
                      for r in declared.resources)
    assert shape(stacks[stack], f"unit-{stack}") == shape(again, f"unit-again-{stack}")


def test_reconcile_reruns_only_when_the_desired_state_changes(stacks):
    from infra.components.reconcile import desired_state_hash

    declared = stacks["dev"]
    same = desired_state_hash(declared.spec, dict(declared.secrets))
    assert same == desired_state_hash(declared.spec, dict(declared.secrets))
    rotated = {**declared.secrets, "redis.admin": "an0ther"}
    assert desired_state_hash(declared.spec, rotated) != same, "a rotated password is a change to reconcile"
    resized = declared.spec.model_copy(update={"description": "changed"})
    assert desired_state_hash(resized, dict(declared.secrets)) != same


def test_an_image_only_datastack_builds_is_verified_first_with_the_command_that_builds_it():
    import pulumi

    from datastack.spec import load_environment
    from infra.program import declare_environment
    from tests.support.pulumi_mocks import MOCKS, stack_config

    spec, _ = load_environment("dev", None)
    asked: list[tuple[str, str]] = []

    def only_official(host, image):
        asked.append((host, image))
        return False

    before = len(MOCKS.declared)
    with pytest.raises(pulumi.RunError) as stopped:
        declare_environment(stack_config(spec, docker_host="ssh://deploy@dev-data-1", image_present=only_official),
                            prefix="unit-noimage-dev")
    message = str(stopped.value)
    assert "\n" not in message and message.startswith("image datastack/app:")
    assert "DOCKER_HOST=ssh://deploy@dev-data-1 datastack images build --only app" in message
    assert [image for _, image in asked] == [i for i in sorted({i for _, i in asked}) if i.startswith("datastack/")]
    assert len(MOCKS.declared) == before, "stopped before declaring anything"


# Secrets that must stay in an environment, and why (docs/production.md lists the same):
# mongo-express reads its connection string only from process.env.ME_CONFIG_MONGODB_URL (config.default.js).
MUST_STAY_IN_ENV = {"ME_CONFIG_MONGODB_URL"}


@pytest.mark.parametrize("stack", STACKS)
def test_apps_and_mongo_express_get_their_secrets_as_files(stacks, stack):
    declared = stacks[stack]
    web = [c for c in declared.containers if "-app-" in c.parent or c.parent.endswith("-mongo-express")]
    assert web
    for container in web:
        env = dict(e.split("=", 1) for e in container.inputs["envs"])
        holding = {key for key, value in env.items() if any(s in value for s in declared.secrets.values())}
        assert holding <= MUST_STAY_IN_ENV, f"{container.name} has {holding - MUST_STAY_IN_ENV} in its environment"
        files = {u["file"]: u for u in container.inputs.get("uploads") or []}
        for key, path in ((k, v) for k, v in env.items() if k.endswith("_FILE")):
            assert files[path]["permissions"] == "0400" and "uploads" in container.secret_inputs, (container.name, key)


@pytest.mark.parametrize("stack", ["dev", "staging"])
def test_official_mongo_express_runs_as_node_not_root(stacks, stack):
    """Its image has no USER and its entrypoint keeps root; the engine starts it as node (uid 1000)."""
    express = next(c for c in stacks[stack].containers if c.parent == f"unit-{stack}-mongo-express")
    assert express.inputs["user"] == "1000:1000"
    servers = [c for c in stacks[stack].containers if c is not express]
    assert all("user" not in c.inputs for c in servers), "the other images drop to their own user themselves"


def test_the_reconcile_command_reads_the_endpoints_it_is_piped():
    """The exact argv the Reconcile resource runs, fed on stdin as pulumi-command would: the CLI reads /dev/stdin."""
    import shlex
    import subprocess

    from datastack.paths import PROJECT_ROOT
    from infra.components.reconcile import migrate_command

    argv = shlex.split(migrate_command("dev"))
    done = subprocess.run(argv, input=json.dumps({"network": "x"}), capture_output=True, text=True, cwd=PROJECT_ROOT,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    assert "/dev/stdin: stack outputs have no 'endpoints' object" in done.stderr + done.stdout


def test_the_reconcile_step_resolves_the_secrets_the_containers_were_given(stacks):
    """dev reads its secrets from DATASTACK_DEV_* variables: the program hands migrate the values it resolved
    (Pulumi config secrets included) under those names, as a Pulumi secret."""
    declared = stacks["dev"]
    (migrate,) = [r for r in declared.of_type("local:Command") if r.parent == "unit-dev-reconcile"]
    assert "environment" in migrate.secret_inputs
    env = migrate.inputs["environment"]
    # dev's convention (secrets.default: ${env:DATASTACK_DEV_{ID}}) names each variable after its secret id.
    assert env["DATASTACK_DEV_MONGODB_ADMIN"] == declared.secrets["mongodb.admin"]
    assert env["DATASTACK_DEV_MONGODB_KEYFILE"] == declared.secrets["mongodb.keyfile"]
    assert all(name.startswith("DATASTACK_DEV_") for name in env)
