"""MongoDB logins and connection strings: per-database users, the admin in admin, replica set or direct."""

from __future__ import annotations

from typing import TYPE_CHECKING

from urllib.parse import quote

from datastack.credentials import Login, require_section, unknown_user
from datastack.endpoints import Endpoints

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def mongo_login(spec: EnvironmentSpec, secrets: dict[str, str], user: str | None = None,
                database: str | None = None) -> Login:
    """The login of `user` (the admin when None); with `database`, the user declared in that database only
    (MongoDB users are per database: two databases may each have a user of the same name)."""
    mongo = require_section(spec.services.mongodb, "mongodb")
    if user is None or (user == mongo.admin.name and database in (None, "admin")):
        return Login(mongo.admin.name, secrets[mongo.admin_secret_id], "admin", "admin")
    try:
        if database is not None:
            db, u = database, next(u for u in mongo.databases[database].users if u.name == user)
        else:
            db, u = mongo.user(user)
    except (KeyError, StopIteration):
        raise unknown_user("mongodb", user, [u.name for d in mongo.databases.values() for u in d.users]) from None
    return Login(u.name, secrets[mongo.user_secret_id(db, u.name)], db, u.access)


def mongo_uri(endpoints: Endpoints, login: Login, *, timeout_ms: int = 5000) -> str:
    ep = require_section(endpoints.mongodb, "mongodb")
    auth = f"{quote(login.user, safe='')}:{quote(login.password, safe='')}@"
    params = [f"authSource={login.database}", "authMechanism=SCRAM-SHA-256", f"serverSelectionTimeoutMS={timeout_ms}"]
    if ep.tls_ca_file:
        params += ["tls=true", f"tlsCAFile={quote(ep.tls_ca_file, safe='/')}"]
    if ep.replica_set:
        params.append(f"replicaSet={ep.replica_set}")
    else:
        params.append("directConnection=true")
    path = login.database if login.database != "admin" else ""
    return f"mongodb://{auth}{','.join(ep.hosts)}/{path}?{'&'.join(params)}"
