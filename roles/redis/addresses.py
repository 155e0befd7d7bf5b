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
    if spec.services.redis.external is not None:
        endpoints.redis = external_endpoint(spec.services.redis)  # the same from every engine and side
    elif scope.inside:
        endpoints.redis = RedisEndpoint(host=dns_alias(spec.services.redis.declared_as("redis")), port=INNER_PORT)
    else:
        endpoints.redis = RedisEndpoint(host=scope.host, port=spec.services.redis.port)


def external_endpoint(section) -> RedisEndpoint:
    """Where an external Redis answers, as declared: the one place its endpoint is built (TLS settings join
    here). Given by a URI reference, host and port stay unset: they come from the URI when connecting."""
    if section.external.uri is not None:
        return RedisEndpoint(host="", port=0, external=True, uri_secret_id=section.external_uri_secret_id)
    return RedisEndpoint(host=section.external.host, port=section.external.port, external=True)
