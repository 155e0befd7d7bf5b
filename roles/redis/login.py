"""Redis logins (ACL users) and connection strings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from urllib.parse import quote

from datastack.credentials import Login, require_section, unknown_user
from datastack.endpoints import Endpoints

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def redis_login(spec: EnvironmentSpec, secrets: dict[str, str], user: str | None = None) -> Login:
    redis = require_section(spec.services.redis, "redis")
    if user is None or user == redis.admin.name:
        return Login(redis.admin.name, secrets[redis.admin_secret_id], None, "admin")
    try:
        u = redis.user(user)
    except KeyError:
        raise unknown_user("redis", user, [u.name for u in redis.users]) from None
    return Login(u.name, secrets[redis.user_secret_id(u.name)], None, u.access)


def redis_uri(endpoints: Endpoints, login: Login, db: int = 0) -> str:
    ep = require_section(endpoints.redis, "redis")
    auth = f"{quote(login.user, safe='')}:{quote(login.password, safe='')}@"
    if ep.tls_ca_file:
        # redis-py passes unknown query parameters through to the connection: ssl_ca_certs verifies the server.
        return f"rediss://{auth}{ep.host}:{ep.port}/{db}?ssl_ca_certs={quote(ep.tls_ca_file, safe='/')}"
    return f"redis://{auth}{ep.host}:{ep.port}/{db}"
