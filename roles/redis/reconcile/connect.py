"""A Redis client logged in as the environment's admin user; failures become one readable line."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from datastack.admin_logins import admin_login
from roles.redis.login import redis_login, redis_uri
from datastack.endpoints import Endpoints
from datastack.errors import RuntimeFailure, UserError
from datastack.spec import EnvironmentSpec

if TYPE_CHECKING:
    import redis


def admin_client(spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str]) -> "redis.Redis":
    import redis

    if endpoints.redis is None:
        raise UserError("no redis endpoint recorded for this environment", fix="run 'datastack up' first")
    login = redis_login(spec, secrets)
    ep = endpoints.redis

    def log_in(password: str) -> "redis.Redis":
        # Through the URI: an external server's (given by reference) brings its host and scheme (rediss: TLS).
        client = redis.Redis.from_url(redis_uri(endpoints, replace(login, password=password)),
                                      decode_responses=True, socket_timeout=10, socket_connect_timeout=5)
        try:
            client.ping()
        except BaseException:
            client.close()
            raise
        return client

    def refused(exc: BaseException) -> bool:
        return isinstance(exc, redis.AuthenticationError)

    try:
        # A rotated admin logs in with the last accepted password; the reconciler then sets the current one.
        client, _ = admin_login(spec, spec.services.redis.admin_secret_id, login.password, log_in, refused, store="redis")
        return client
    except redis.RedisError as exc:
        raise RuntimeFailure(f"cannot reach redis at {ep.where()} as {login.user}: {exc}",
                             fix=ep.unreachable_fix(spec)) from None
