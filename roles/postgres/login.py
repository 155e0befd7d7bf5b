"""PostgreSQL logins and connection strings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import replace
from urllib.parse import quote, urlencode

from datastack.credentials import Login, require_section, unknown_user
from datastack.endpoints import Endpoints
from datastack.spec.external import parse_server_uri

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def postgres_login(spec: EnvironmentSpec, secrets: dict[str, str], user: str | None = None) -> Login:
    pg = require_section(spec.services.postgres, "postgres")
    login = _declared_login(pg, secrets, user)
    if pg.external is not None and pg.external.uri is not None:
        return replace(login, server_uri=secrets[pg.external_uri_secret_id])
    return login


def _declared_login(pg, secrets: dict[str, str], user: str | None) -> Login:
    if user is None or user == pg.superuser.name:
        return Login(pg.superuser.name, secrets[pg.superuser_secret_id], "postgres", "admin")
    try:
        db, u = pg.user(user)
    except KeyError:
        raise unknown_user("postgres", user, [u.name for d in pg.databases.values() for u in d.users]) from None
    return Login(u.name, secrets[pg.user_secret_id(db, u.name)], db, u.access)


def postgres_uri(endpoints: Endpoints, login: Login, database: str | None = None, *, timeout_s: int = 5) -> str:
    ep = require_section(endpoints.postgres, "postgres")
    auth = f"{quote(login.user, safe='')}:{quote(login.password, safe='')}@"
    if ep.uri_secret_id is not None:
        return _from_server_uri(login, auth, database or login.database, timeout_s)
    # verify-full: the server's certificate chains to the CA and names the host we dialled.
    tls = f"&sslmode=verify-full&sslrootcert={quote(ep.tls_ca_file, safe='/')}" if ep.tls_ca_file else ""
    return f"postgresql://{auth}{ep.host}:{ep.port}/{database or login.database}?connect_timeout={timeout_s}{tls}"


def check_server_uri(uri: str) -> dict[str, str]:
    """An external server's URI, parsed by psycopg's conninfo parser (libpq's)."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict

    return parse_server_uri(uri, ("postgresql", "postgres"), conninfo_to_dict, (ProgrammingError,), "libpq's parser")


def unverified_tls(uri: str) -> str | None:
    """What in a PostgreSQL URI leaves the server unverified, or None: only sslmode=verify-full checks both the
    certificate chain and the host name; libpq's default, prefer, neither verifies nor insists on TLS (PostgreSQL
    manual, libpq "SSL Support", table "SSL Mode Descriptions")."""
    mode = check_server_uri(uri).get("sslmode")
    if mode == "verify-full":
        return None
    return f"sslmode={mode}" if mode else "no sslmode=verify-full (libpq's default, prefer, does not verify)"


def check_external_uri(spec: EnvironmentSpec, secrets: dict[str, str], spec_file: str) -> None:
    spec.services.postgres.check_resolved_uri(secrets, spec_file, check_server_uri,
                                              "postgresql://db.example.net:5432/?sslmode=verify-full",
                                              unverified=unverified_tls if spec.tier == "production" else None)


def _from_server_uri(login: Login, auth: str, database: str, timeout_s: int) -> str:
    """The declared URI's hosts and options (sslmode, target_session_attrs, ...) with the login's credentials and
    database in place of any it carried."""
    from datastack.spec.secrets import MASK

    if login.server_uri is None:
        raise ValueError("the external PostgreSQL URI was not resolved with the secrets")
    if login.server_uri == MASK:  # `plan` shows what it would connect with, never where the URI points
        return f"postgresql://{auth}{MASK}/{database}?connect_timeout={timeout_s}"
    params = check_server_uri(login.server_uri)
    hosts = params.pop("host").split(",")
    ports = params.pop("port", "5432").split(",")
    ports = ports if len(ports) == len(hosts) else ports[:1] * len(hosts)  # one port for every host, as libpq reads it
    for ours in ("user", "password", "dbname", "connect_timeout"):
        params.pop(ours, None)
    where = ",".join(f"[{h}]:{p}" if ":" in h else f"{h}:{p}" for h, p in zip(hosts, ports))
    return f"postgresql://{auth}{where}/{database}?{urlencode({**params, 'connect_timeout': timeout_s})}"
