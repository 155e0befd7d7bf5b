"""Several instances of a store (`services.<service>-<suffix>: {instance_of: <service>, ...}`): validated by the
service's own model, each with its own port, plan entry, directories, secret ids and address."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from datastack.endpoints import Endpoints, RedisEndpoint
from datastack.errors import UserError
from datastack.plan import build_plan
from datastack.plan.addresses import planned_endpoints
from datastack.plan.toolchain import Toolchain
from datastack.services import declared_services, store_of
from datastack.spec import load_spec_file
from datastack.spec.secrets import masked

from .hostile import assert_rejected

SPEC = {
    "name": "twocache",
    "services": {
        "postgres": {"port": 55432, "databases": {"shop": {"users": [{"name": "shop_app", "access": "app"}]}}},
        "postgres-reports": {"instance_of": "postgres", "port": 55433,
                             "databases": {"shop": {"users": [{"name": "shop_app", "access": "app"}]}}},
        "redis": {"port": 56379, "maxmemory_policy": "allkeys-lru", "users": [{"name": "app"}]},
        "redis-queue": {"instance_of": "redis", "port": 56380, "maxmemory_policy": "noeviction",
                        "persistence": {"aof": True}, "users": [{"name": "app"}, {"name": "worker"}]},
    },
}


def write(tmp_path: Path, data: dict, name: str = "env.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def with_instance(**changes) -> dict:
    data = yaml.safe_load(yaml.safe_dump(SPEC))
    queue = data["services"].pop("redis-queue")
    name = changes.pop("name", "redis-queue")
    data["services"][name] = {**queue, **changes}
    return data


def plan_of(spec, tmp_path):
    toolchain = Toolchain(python="/usr/bin/python3", programs={"redis-server": "/usr/bin/redis-server"})
    return build_plan(spec, toolchain, masked(dict(spec.secret_refs())), tmp_path / "state")


def test_an_instance_is_validated_by_its_services_model(tmp_path):
    spec = load_spec_file(write(tmp_path, SPEC))
    assert spec.services.instances() == {"postgres-reports": "postgres", "redis-queue": "redis"}
    queue = spec.instance_view("redis-queue").services.redis
    assert (queue.port, queue.maxmemory_policy, queue.persistence.aof) == (56380, "noeviction", True)
    assert spec.services.redis.maxmemory_policy == "allkeys-lru"  # the service's own section is untouched


def test_each_instance_has_its_own_secret_ids(tmp_path):
    ids = dict(load_spec_file(write(tmp_path, SPEC)).secret_refs())
    assert {"redis.admin", "redis.users.app", "redis-queue.admin", "redis-queue.users.app",
            "redis-queue.users.worker", "postgres.superuser", "postgres.shop.shop_app",
            "postgres-reports.superuser", "postgres-reports.shop.shop_app"} == set(ids)


def test_a_secret_convention_applies_per_instance(tmp_path):
    data = {**SPEC, "secrets": {"default": "${env:SHOP_{ID}}"}}
    refs = dict(load_spec_file(write(tmp_path, data)).secret_refs())
    assert refs["redis-queue.users.app"] == "${env:SHOP_REDIS_QUEUE_USERS_APP}"
    assert refs["redis.users.app"] == "${env:SHOP_REDIS_USERS_APP}"


def test_the_plan_runs_each_instance_in_its_own_directories(tmp_path):
    spec = load_spec_file(write(tmp_path, SPEC))
    plan = plan_of(spec, tmp_path)
    assert [s.name for s in plan.services] == ["postgres", "postgres-reports", "redis", "redis-queue"]
    queue, cache = plan.service("redis-queue"), plan.service("redis")
    assert queue.role == cache.role == "redis"
    assert queue.ports == [56380] and queue.readiness.port == 56380
    assert queue.data_dir == str(tmp_path / "state" / "redis-queue" / "data")
    conf = next(f for f in queue.files if f.path.endswith("redis.conf"))
    assert conf.path.startswith(str(tmp_path / "state" / "redis-queue" / "conf"))
    assert 'maxmemory-policy "noeviction"' in conf.content and "appendonly yes" in conf.content
    assert 'maxmemory-policy "allkeys-lru"' in next(f for f in cache.files if f.path.endswith("redis.conf")).content
    reports = plan.service("postgres-reports")
    assert reports.init.secret_id == "postgres-reports.superuser"
    assert reports.readiness.login_secret_id == "postgres-reports.superuser"


def test_each_instance_has_its_own_address(tmp_path):
    spec = load_spec_file(write(tmp_path, SPEC))
    endpoints = planned_endpoints(spec, "local", stand_in=False)
    assert endpoints.redis.port == 56379
    assert endpoints.instance_view("redis-queue").redis.port == 56380
    assert endpoints.instance_view("postgres-reports").postgres.port == 55433
    assert endpoints.instance_view("redis-queue").postgres.port == 55432  # other services stay as they are
    saved = Endpoints.model_validate_json(endpoints.model_dump_json())
    assert saved.instance_view("redis-queue").redis == RedisEndpoint(host="127.0.0.1", port=56380)


def test_uri_names_the_instance(tmp_path):
    spec = load_spec_file(write(tmp_path, SPEC))
    endpoints = planned_endpoints(spec, "local", stand_in=False)
    secrets = {secret_id: f"pw-{secret_id}" for secret_id, _ in spec.secret_refs()}
    queue = next(s for s in declared_services(spec) if s.name == "redis-queue")
    assert queue.store.uri(spec, endpoints, secrets, "worker") == \
        "redis://worker:pw-redis-queue.users.worker@127.0.0.1:56380/0"
    with pytest.raises(UserError, match="no user 'worker'"):  # the worker exists only in the queue
        store_of("redis").uri(spec, endpoints, secrets, "worker")


def test_migrate_store_names_a_declared_store_or_instance(tmp_path):
    from datastack.migrate.report import MigrateOptions
    from datastack.migrate.stores import migrate_all

    spec = load_spec_file(write(tmp_path, SPEC))
    endpoints = planned_endpoints(spec, "local", stand_in=False)
    with pytest.raises(UserError) as refused:
        migrate_all(spec, endpoints, {}, MigrateOptions(), only=["redis-queue", "redis-qeue"])
    assert "--store 'redis-qeue' is not a store" in refused.value.one_line()
    assert "use one of: postgres, postgres-reports, redis, redis-queue" in refused.value.one_line()


def test_a_store_found_by_an_instance_name_is_its_services(tmp_path):
    assert store_of("redis-queue") is store_of("redis")


def test_plan_shows_each_instance_as_written(tmp_path):
    from datastack.plan.design import declared_design, merged_spec

    spec = load_spec_file(write(tmp_path, SPEC))
    merged = merged_spec(spec)["services"]["redis-queue"]
    assert merged["instance_of"] == "redis" and merged["maxmemory_policy"] == "noeviction"
    assert "instance_of" not in merged_spec(spec)["services"]["redis"]
    design = declared_design(spec)
    assert design["redis-queue"]["maxmemory_policy"] == "noeviction" and design["redis"]["maxmemory_policy"] == "allkeys-lru"


def test_the_report_and_progress_name_the_instance(tmp_path):
    from datastack.check.design import declared_design
    from datastack.migrate.report import MigrateOptions
    from datastack.services import _progress_naming

    users = declared_design(load_spec_file(write(tmp_path, SPEC))).users
    assert ("redis-queue", "worker") in {u[:2] for u in users} and ("redis", "worker") not in {u[:2] for u in users}
    said: list[str] = []
    options = _progress_naming(MigrateOptions(progress=said.append), "redis", "redis-queue")
    options.say("redis acl user worker: create_user")
    options.say("redisx stays")
    assert said == ["redis-queue acl user worker: create_user", "redisx stays"]


def test_an_environment_without_instances_has_none(tmp_path):
    data = {**SPEC, "services": {k: v for k, v in SPEC["services"].items() if "instance_of" not in v}}
    spec = load_spec_file(write(tmp_path, data))
    assert spec.services.instances() == {}
    assert "instances" not in planned_endpoints(spec, "local", stand_in=False).model_dump(exclude_defaults=True)


# ---- bad input: one line naming the file, the field and the fix; exit 2 -----------------------------------------
def test_two_instances_on_one_port_are_refused(tmp_path):
    line = assert_rejected(tmp_path, write(tmp_path, with_instance(port=56379)))
    assert "port 56379 is used by both redis and redis-queue" in line


def test_an_instance_on_another_services_port_is_refused(tmp_path):
    line = assert_rejected(tmp_path, write(tmp_path, with_instance(port=55433)))
    assert "postgres-reports and redis-queue" in line


def test_an_instance_of_a_service_without_instances_lists_those_with(tmp_path):
    line = assert_rejected(tmp_path, write(tmp_path, with_instance(instance_of="mongodb")))
    assert "redis-queue.instance_of" in line and "use one of: postgres, redis" in line


@pytest.mark.parametrize("name", ["queue", "redis_queue", "redis-", "redis-Queue", "redis--q", "postgres-q",
                                  "redis-" + "q" * 40])
def test_an_instance_name_must_follow_the_pattern(tmp_path, name):
    line = assert_rejected(tmp_path, write(tmp_path, with_instance(name=name)))
    assert "is not an instance name" in line and "redis-<suffix>" in line


def test_an_instances_own_field_is_named(tmp_path):
    line = assert_rejected(tmp_path, write(tmp_path, with_instance(maxmemory_policy="sometimes")))
    assert "redis-queue.maxmemory_policy" in line and "noeviction" in line


def test_an_instances_unknown_key_is_named(tmp_path):
    line = assert_rejected(tmp_path, write(tmp_path, with_instance(prot=1)))
    assert "redis-queue.prot" in line


def test_an_instances_literal_password_is_refused_without_echo(tmp_path):
    data = with_instance(users=[{"name": "app", "password": "hunter2-canary"}])
    line = assert_rejected(tmp_path, write(tmp_path, data))
    assert "hunter2" not in line and "redis-queue.users.0.password" in line


# ---- apps' uses: an instance by name --------------------------------------------------------------------------
def with_app(uses: dict) -> dict:
    data = yaml.safe_load(yaml.safe_dump(SPEC))
    data["services"]["apps"] = [{"name": "worker", "port": 56390, "uses": uses}]
    return data


def test_an_app_uses_an_instance_by_name(tmp_path):
    spec = load_spec_file(write(tmp_path, with_app({"redis": "app", "instances": {"redis-queue": "worker",
                                                                                  "postgres-reports": ["shop", "shop_app"]}})))
    app = next(s for s in plan_of(spec, tmp_path).services if s.role == "app")
    assert app.depends_on == ["redis", "redis-queue", "postgres-reports"]
    assert app.secret_environment == ["REDIS_URI", "REDIS_QUEUE_URI", "POSTGRES_REPORTS_URI"]
    env = next(f for f in app.files if f.path.endswith("app.env")).content
    assert ":56380/0" in env and ":55433/shop" in env


@pytest.mark.parametrize("uses, expected", [
    ({"instances": {"redis-qq": "worker"}}, "app worker: uses.instances: 'redis-qq' is not a declared instance"),
    ({"instances": {"redis-queue": ["a", "b"]}}, "app worker: uses.instances.redis-queue: Input should be a valid string"),
    ({"instances": {"redis-queue": "nobody"}}, "app worker: redis-queue user 'nobody' is not declared — fix: add it to services.redis-queue.users"),
    ({"instances": {"postgres-reports": ["shop", "nobody"]}}, "app worker: postgres-reports user 'nobody' is not declared"),
])
def test_an_app_naming_a_missing_instance_or_user_is_refused(tmp_path, uses, expected):
    assert expected in assert_rejected(tmp_path, write(tmp_path, with_app(uses)))


def test_a_missing_alembic_directory_of_an_instance_names_the_instance(tmp_path):
    data = yaml.safe_load(yaml.safe_dump(SPEC))
    data["services"]["postgres-reports"]["databases"]["shop"]["alembic"] = "no/such/dir"
    line = assert_rejected(tmp_path, write(tmp_path, data))
    assert "services.postgres-reports.databases.shop.alembic" in line


def test_production_rules_apply_to_each_instance(tmp_path):
    data = with_instance(bind="0.0.0.0")
    data.update(tier="production", secrets={"default": "${env:SHOP_{ID}}"})
    line = assert_rejected(tmp_path, write(tmp_path, data))
    assert "services.redis-queue: binds 0.0.0.0 in tier production" in line and "exposed" in line
    assert load_spec_file(write(tmp_path, {**data, "exposed": ["redis-queue"]}, "exposed.yaml")).services.instances()


def test_an_overlay_adds_or_removes_an_instance(tmp_path):
    base = yaml.safe_load(yaml.safe_dump(SPEC))
    del base["services"]["redis-queue"]
    write(tmp_path, base, "base.yaml")
    added = load_spec_file(write(tmp_path, {"extends": "base.yaml", "services": {"redis-queue": SPEC["services"]["redis-queue"]}}))
    assert added.services.instances()["redis-queue"] == "redis" and added.name == "twocache"
    removed = load_spec_file(write(tmp_path, {"extends": "base.yaml", "services": {"postgres-reports": None}}, "less.yaml"))
    assert removed.services.instances() == {}


def test_an_instance_may_be_external(tmp_path):
    data = with_instance(external={"host": "queue.example.com", "port": 6380}, admin={"name": "admin", "password": "${env:Q}"},
                         users=[{"name": "worker", "password": "${env:W}"}])
    for provisioned in ("port", "persistence"):
        data["services"]["redis-queue"].pop(provisioned)
    spec = load_spec_file(write(tmp_path, data))
    plan = plan_of(spec, tmp_path)
    assert "redis-queue" not in [s.name for s in plan.services]
    assert any(note.startswith("redis-queue is external (queue.example.com:6380)") for note in plan.notes)
    queue = planned_endpoints(spec, "local", stand_in=False).instance_view("redis-queue").redis
    assert (queue.host, queue.port, queue.external) == ("queue.example.com", 6380, True)
    assert ("redis-queue", 56380) not in spec.declared_ports()


def test_an_external_instance_refuses_generated_passwords_naming_itself(tmp_path):
    data = with_instance(external={"host": "queue.example.com", "port": 6380})
    data["services"]["redis-queue"].pop("port")
    data["services"]["redis-queue"].pop("persistence")
    line = assert_rejected(tmp_path, write(tmp_path, data))
    assert "services.redis-queue.external" in line and "redis-queue.admin" in line


def test_an_app_without_instances_dumps_as_before(tmp_path):
    from datastack.plan.design import merged_spec

    spec = load_spec_file(write(tmp_path, with_app({"redis": "app"})))
    assert merged_spec(spec)["services"]["apps"][0]["uses"] == {"redis": "app"}


def test_tls_applies_to_each_instance_with_its_own_certificate_and_alias(tmp_path):
    from datastack.plan.addresses import container_endpoints

    data = with_instance(tls={})
    data["services"]["redis"]["tls"] = {}
    spec = load_spec_file(write(tmp_path, data))
    plan = build_plan(spec, Toolchain(python="/usr/bin/python3"), masked(dict(spec.secret_refs())), tmp_path / "s",
                      target="container")
    queue = plan.service("redis-queue")
    conf = next(f for f in queue.files if f.path.endswith("redis.conf")).content
    assert "tls-port 6379" in conf and queue.readiness.tls_ca_file
    assert {"tls-ca.crt", "tls-server.crt", "tls-server.key"} <= {Path(f.path).name for f in queue.files}
    inside = container_endpoints(spec)
    assert inside.instance_view("redis-queue").redis.host == "redis-queue"
    assert inside.instance_view("redis-queue").redis.tls_ca_file.endswith("tls-ca-redis-queue.crt")
    assert inside.redis.host == "redis" and inside.redis.tls_ca_file.endswith("tls-ca-redis.crt")
