"""Connection strings with credentials, built from the spec, the endpoints and resolved secrets.

One place decides how each store is addressed, so `uri`, migrate, check and the app agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from .endpoints import Endpoints
from .errors import UserError
from .spec import EnvironmentSpec


@dataclass(frozen=True)
class Login:
    user: str
    password: str
    database: str | None  # where the user is defined (MongoDB authSource, PostgreSQL dbname)
    access: str


def mongo_login(spec: EnvironmentSpec, secrets: dict[str, str], user: str | None = None,
                database: str | None = None) -> Login:
    """The login of `user` (the admin when None); with `database`, the user declared in that database only
    (MongoDB users are per database: two databases may each have a user of the same name)."""
    mongo = _require(spec.services.mongodb, "mongodb")
    if user is None or (user == mongo.admin.name and database in (None, "admin")):
        return Login(mongo.admin.name, secrets[mongo.admin_secret_id], "admin", "admin")
    try:
        if database is not None:
            db, u = database, next(u for u in mongo.databases[database].users if u.name == user)
        else:
            db, u = mongo.user(user)
    except (KeyError, StopIteration):
        raise _unknown_user("mongodb", user, [u.name for d in mongo.databases.values() for u in d.users]) from None
    return Login(u.name, secrets[mongo.user_secret_id(db, u.name)], db, u.access)


def mongo_uri(endpoints: Endpoints, login: Login, *, timeout_ms: int = 5000) -> str:
    ep = _require(endpoints.mongodb, "mongodb")
    auth = f"{quote(login.user, safe='')}:{quote(login.password, safe='')}@"
    params = [f"authSource={login.database}", "authMechanism=SCRAM-SHA-256", f"serverSelectionTimeoutMS={timeout_ms}"]
    if ep.replica_set:
        params.append(f"replicaSet={ep.replica_set}")
    else:
        params.append("directConnection=true")
    path = login.database if login.database != "admin" else ""
    return f"mongodb://{auth}{','.join(ep.hosts)}/{path}?{'&'.join(params)}"


def postgres_login(spec: EnvironmentSpec, secrets: dict[str, str], user: str | None = None) -> Login:
    pg = _require(spec.services.postgres, "postgres")
    if user is None or user == pg.superuser.name:
        return Login(pg.superuser.name, secrets[pg.superuser_secret_id], "postgres", "admin")
    try:
        db, u = pg.user(user)
    except KeyError:
        raise _unknown_user("postgres", user, [u.name for d in pg.databases.values() for u in d.users]) from None
    return Login(u.name, secrets[pg.user_secret_id(db, u.name)], db, u.access)


def postgres_uri(endpoints: Endpoints, login: Login, database: str | None = None, *, timeout_s: int = 5) -> str:
    ep = _require(endpoints.postgres, "postgres")
    auth = f"{quote(login.user, safe='')}:{quote(login.password, safe='')}@"
    return f"postgresql://{auth}{ep.host}:{ep.port}/{database or login.database}?connect_timeout={timeout_s}"


def redis_login(spec: EnvironmentSpec, secrets: dict[str, str], user: str | None = None) -> Login:
    redis = _require(spec.services.redis, "redis")
    if user is None or user == redis.admin.name:
        return Login(redis.admin.name, secrets[redis.admin_secret_id], None, "admin")
    try:
        u = redis.user(user)
    except KeyError:
        raise _unknown_user("redis", user, [u.name for u in redis.users]) from None
    return Login(u.name, secrets[redis.user_secret_id(u.name)], None, u.access)


def redis_uri(endpoints: Endpoints, login: Login, db: int = 0) -> str:
    ep = _require(endpoints.redis, "redis")
    return f"redis://{quote(login.user, safe='')}:{quote(login.password, safe='')}@{ep.host}:{ep.port}/{db}"


def service_uri(service: str, spec: EnvironmentSpec, endpoints: Endpoints, secrets: dict[str, str], user: str | None) -> str:
    from .services import registered_services

    stores = [s for s in registered_services() if s.store is not None]
    for candidate in stores:
        if candidate.name == service:
            return candidate.store.uri(spec, endpoints, secrets, user)
    raise UserError(f"no URI for service {service!r}", fix=f"use one of: {', '.join(s.name for s in stores)}")


def _require(value, service: str):
    if value is None:
        raise UserError(f"this environment has no {service} service", fix=f"declare services.{service} in the spec")
    return value


def _unknown_user(service: str, user: str, known: list[str]) -> UserError:
    return UserError(f"{service} has no user {user!r}", fix=f"use one of: {', '.join(known)}")
