"""Redis logins (ACL users) and connection strings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import replace
from urllib.parse import quote, urlsplit

from datastack.credentials import Login, require_section, unknown_user
from datastack.endpoints import Endpoints
from datastack.spec.external import parse_server_uri

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def redis_login(spec: EnvironmentSpec, secrets: dict[str, str], user: str | None = None) -> Login:
    redis = require_section(spec.services.redis, "redis")
    login = _declared_login(redis, secrets, user)
    if redis.external is not None and redis.external.uri is not None:
        return replace(login, server_uri=secrets[redis.external_uri_secret_id])
    return login


def _declared_login(redis, secrets: dict[str, str], user: str | None) -> Login:
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
    if ep.uri_secret_id is not None:
        return _from_server_uri(login, auth, db)
    if ep.tls_ca_file:
        # redis-py passes unknown query parameters through to the connection: ssl_ca_certs verifies the server.
        return f"rediss://{auth}{ep.host}:{ep.port}/{db}?ssl_ca_certs={quote(ep.tls_ca_file, safe='/')}"
    return f"redis://{auth}{ep.host}:{ep.port}/{db}"


def check_server_uri(uri: str) -> dict:
    """An external server's URI, parsed by redis-py's own URL parser (redis:// or rediss://, not a socket path)."""
    from redis.connection import parse_url

    return parse_server_uri(uri, ("redis", "rediss"), parse_url, (ValueError,), "redis-py's parser")


def unverified_tls(uri: str) -> str | None:
    """What in a Redis URI leaves the server unverified, or None: redis:// is plaintext; rediss:// verifies the
    certificate and (redis-py >= 6) the host name unless ssl_cert_reqs or ssl_check_hostname say otherwise
    (redis-py, redis/connection.py: SSLConnection and parse_url)."""
    params = check_server_uri(uri)
    if not uri.startswith("rediss://"):
        return "a redis:// URI (no TLS)"
    reqs = params.get("ssl_cert_reqs", "required")
    if str(getattr(reqs, "name", reqs)).lower() not in ("required", "cert_required"):
        return f"ssl_cert_reqs={str(getattr(reqs, 'name', reqs)).lower()}"
    if params.get("ssl_check_hostname") is False:
        return "ssl_check_hostname=false"
    return None


def check_external_uri(spec: EnvironmentSpec, secrets: dict[str, str], spec_file: str) -> None:
    spec.services.redis.check_resolved_uri(secrets, spec_file, check_server_uri, "rediss://cache.example.net:6380",
                                           unverified=unverified_tls if spec.tier == "production" else None)


def _from_server_uri(login: Login, auth: str, db: int) -> str:
    """The declared URI's scheme (rediss: TLS), host, port and options with the login's credentials in place of any
    it carried, and the database asked for."""
    from datastack.spec.secrets import MASK

    if login.server_uri is None:
        raise ValueError("the external Redis URI was not resolved with the secrets")
    if login.server_uri == MASK:  # `plan` shows what it would connect with, never where the URI points
        return f"redis://{auth}{MASK}/{db}"
    params = check_server_uri(login.server_uri)
    parts = urlsplit(login.server_uri)
    host = f"[{params['host']}]" if ":" in params["host"] else params["host"]
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{auth}{host}:{params.get('port', 6379)}/{db}{query}"
