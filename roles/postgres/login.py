"""PostgreSQL logins and connection strings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from urllib.parse import quote

from datastack.credentials import Login, require_section, unknown_user
from datastack.endpoints import Endpoints

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def postgres_login(spec: EnvironmentSpec, secrets: dict[str, str], user: str | None = None) -> Login:
    pg = require_section(spec.services.postgres, "postgres")
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
    # verify-full: the server's certificate chains to the CA and names the host we dialled.
    tls = f"&sslmode=verify-full&sslrootcert={quote(ep.tls_ca_file, safe='/')}" if ep.tls_ca_file else ""
    return f"postgresql://{auth}{ep.host}:{ep.port}/{database or login.database}?connect_timeout={timeout_s}{tls}"
