"""A Redis client logged in as the environment's admin user; failures become one readable line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from datastack.admin_logins import admin_login
from roles.redis.login import redis_login
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
        tls = dict(ssl=True, ssl_ca_certs=ep.tls_ca_file) if ep.tls_ca_file else {}
        client = redis.Redis(host=ep.host, port=ep.port, username=login.user, password=password,
                             decode_responses=True, socket_timeout=10, socket_connect_timeout=5, **tls)
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
        raise RuntimeFailure(f"cannot reach redis {ep.host}:{ep.port} as {login.user}: {exc}",
                             fix="is the environment up? run 'datastack up' (or 'datastack status')") from None
