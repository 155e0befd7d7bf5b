"""The Docker engine's endpoints: each service's testinfra host is its container, through the registry's hooks."""

from __future__ import annotations

from types import SimpleNamespace

from datastack.engines.docker.engine import DockerEngine
from datastack.plan.addresses import planned_endpoints
from datastack.spec import load_environment


def container(service: str, role: str, name: str):
    return SimpleNamespace(service=service, role=role, name=name)


def test_every_service_is_reached_in_its_container_and_the_replica_set_through_its_first_member():
    spec = load_environment("dev")[0]
    definitions = [container(f"mongodb-{i}", "mongodb", f"c-mongodb-{i}") for i in range(3)]
    definitions += [container("postgres", "postgres", "c-postgres"), container("redis", "redis", "c-redis"),
                    container("mongo_express", "mongo_express", "c-me")]
    definitions += [container(f"app-{a.name}", "app", f"c-app-{a.name}") for a in spec.services.apps]
    endpoints = planned_endpoints(spec, "docker", stand_in=False)
    assert endpoints.mongodb.replica_set and len(endpoints.mongodb.hosts) == 3

    shown = DockerEngine._endpoints(SimpleNamespace(definitions=definitions, spec=spec), endpoints)

    # The last member's container stands for the role; members' network names do not resolve here.
    assert shown.mongodb.testinfra_host == "docker://c-mongodb-2"
    assert shown.mongodb.replica_set is None and shown.mongodb.hosts == endpoints.mongodb.hosts[:1]
    assert shown.postgres.testinfra_host == "docker://c-postgres"
    assert shown.redis.testinfra_host == "docker://c-redis"
    if shown.mongo_express is not None:
        assert shown.mongo_express.testinfra_host == "docker://c-me"
    assert spec.services.apps and all(e.testinfra_host == f"docker://c-app-{n}" for n, e in shown.apps.items())


def test_external_stores_are_reached_as_declared_from_every_side():
    from datastack.plan.addresses import container_endpoints
    from tests.support.external import dev_with_external_stores

    spec = dev_with_external_stores()
    definitions = [container(f"app-{a.name}", "app", f"c-app-{a.name}") for a in spec.services.apps]
    for endpoints in (planned_endpoints(spec, "local", stand_in=True), container_endpoints(spec),
                      DockerEngine._endpoints(SimpleNamespace(definitions=definitions, spec=spec),
                                              planned_endpoints(spec, "docker", stand_in=False))):
        assert endpoints.mongodb.hosts == ["db-0.example.net:27017", "db-1.example.net:27017"]
        assert endpoints.mongodb.replica_set == "atlas-x1" and not endpoints.mongodb.stand_in
        assert (endpoints.postgres.host, endpoints.postgres.port) == ("pg.example.net", 5432)
        assert (endpoints.redis.host, endpoints.redis.port) == ("10.1.2.3", 6380)
        for endpoint in (endpoints.mongodb, endpoints.postgres, endpoints.redis):
            assert endpoint.external and endpoint.testinfra_host == "local://"  # no container of it to look into
