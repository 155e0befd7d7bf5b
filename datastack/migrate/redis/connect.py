"""A Redis client logged in as the environment's admin user; failures become one readable line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...credentials import redis_login
from ...endpoints import Endpoints
from ...errors import RuntimeFailure, UserError
from ...spec import EnvironmentSpec

if TYPE_CHECKING:
    import redis


def admin_client(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str]) -> "redis.Redis":
    import redis

    if endpoints.redis is None:
        raise UserError("no redis endpoint recorded for this environment", fix="run 'datastack up' first")
    login = redis_login(spec, secrets)
    ep = endpoints.redis
    client = redis.Redis(host=ep.host, port=ep.port, username=login.user, password=login.password,
                         decode_responses=True, socket_timeout=10, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        raise RuntimeFailure(f"cannot reach redis {ep.host}:{ep.port} as {login.user}: {exc}",
                             fix="is the environment up? run 'datastack up' (or 'datastack status')") from None
    return client
