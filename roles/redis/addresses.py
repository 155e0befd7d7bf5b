"""Where Redis answers: one host and port."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.endpoints import Endpoints, RedisEndpoint
from datastack.plan.addresses import AddressScope
from datastack.plan.containers import dns_alias
from datastack.tls import ca_file_inside, client_ca_file

from .container import INNER_PORT

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def redis_address(spec: EnvironmentSpec, endpoints: Endpoints, scope: AddressScope) -> None:
    if scope.inside:
        endpoints.redis = RedisEndpoint(host=dns_alias("redis"), port=INNER_PORT,
                                        tls_ca_file=ca_file_inside("redis", spec.services.redis.tls))
    else:
        redis = spec.services.redis
        endpoints.redis = RedisEndpoint(host=scope.host, port=redis.port, tls_ca_file=client_ca_file(spec, redis.tls))
