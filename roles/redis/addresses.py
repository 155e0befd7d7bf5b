"""Where Redis answers: one host and port."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.endpoints import Endpoints, RedisEndpoint
from datastack.plan.addresses import AddressScope
from datastack.plan.containers import dns_alias

from .container import INNER_PORT

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def redis_address(spec: EnvironmentSpec, endpoints: Endpoints, scope: AddressScope) -> None:
    if scope.inside:
        endpoints.redis = RedisEndpoint(host=dns_alias(spec.services.redis.declared_as("redis")), port=INNER_PORT)
    else:
        endpoints.redis = RedisEndpoint(host=scope.host, port=spec.services.redis.port)
