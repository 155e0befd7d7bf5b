"""Where each service will answer, known before anything starts (engines return this as their result)."""

from __future__ import annotations

from ..endpoints import Endpoints, HttpEndpoint, MongoEndpoint, PostgresEndpoint, RedisEndpoint
from ..spec import EnvironmentSpec


def planned_endpoints(spec: EnvironmentSpec, engine: str, *, mongo_standin: bool, host: str = "127.0.0.1") -> Endpoints:
    s = spec.services
    eps = Endpoints(environment=spec.name, engine=engine)
    if s.mongodb:
        single = mongo_standin or s.mongodb.topology == "standalone"
        ports = s.mongodb.ports[:1] if mongo_standin else s.mongodb.ports
        eps.mongodb = MongoEndpoint(hosts=[f"{host}:{p}" for p in ports],
                                    replica_set=None if single else s.mongodb.replica_set_name, stand_in=mongo_standin)
    if s.postgres:
        eps.postgres = PostgresEndpoint(host=host, port=s.postgres.port)
    if s.redis:
        eps.redis = RedisEndpoint(host=host, port=s.redis.port)
    if s.mongo_express and s.mongo_express.enabled:
        eps.mongo_express = HttpEndpoint(url=f"http://{host}:{s.mongo_express.port}")
    for app in s.apps:
        eps.apps[app.name] = HttpEndpoint(url=f"http://{host}:{app.port}")
    return eps
