"""The Pulumi program declares each instance of a store (`instance_of:`) as its own container, alias and endpoint,
and the reconcile step is told where each answers."""

from __future__ import annotations

import json

import yaml

from tests.support.pulumi_mocks import declare_config, stack_config

from datastack.paths import environment_file
from datastack.spec import load_spec_file
from datastack.spec.overlays import read_environment_document


def ci_with_instances(tmp_path):
    data = read_environment_document(environment_file("ci"))
    data["services"]["redis-queue"] = {"instance_of": "redis", "port": 33381, "maxmemory_policy": "noeviction",
                                       "users": [{"name": "worker"}]}
    data["services"]["postgres-reports"] = {"instance_of": "postgres", "port": 33433,
                                            "databases": {"reports": {"users": [{"name": "analyst", "access": "readonly"}]}}}
    path = tmp_path / "ci.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return load_spec_file(path)


def test_each_instance_is_its_own_component_container_and_endpoint(tmp_path):
    spec = ci_with_instances(tmp_path)
    made, resources = declare_config(stack_config(spec), "unit-instances")
    assert {"redis", "redis-queue", "postgres", "postgres-reports"} <= set(made)
    containers = {r.inputs["name"]: r for r in resources if r.type.endswith("container:Container")}
    queue = containers["datastack-ci-redis-queue"]
    assert queue.parent == "unit-instances-redis-queue"
    assert [n["aliases"] for n in queue.inputs["networksAdvanced"]] == [["redis-queue"]]
    assert [p["external"] for p in queue.inputs["ports"]] == [33381]
    assert "datastack-ci-postgres-reports" in containers and "datastack-ci-redis" in containers

    (migrate,) = [r for r in resources if r.type.endswith("local:Command") and r.parent == "unit-instances-reconcile"]
    endpoints = json.loads(migrate.inputs["stdin"])["endpoints"]
    assert endpoints["instances"]["redis-queue"]["redis"]["port"] == 33381
    assert endpoints["instances"]["postgres-reports"]["postgres"]["port"] == 33433
    assert endpoints["redis"]["port"] == spec.services.redis.port, "the service itself keeps its own endpoint"
    assert {"unit-instances-redis-queue-server", "unit-instances-postgres-reports-server"} <= set(migrate.depends_on)
