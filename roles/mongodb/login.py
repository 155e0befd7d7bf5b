"""MongoDB logins and connection strings: per-database users, the admin in admin, replica set or direct."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import replace
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from datastack.credentials import Login, require_section, unknown_user
from datastack.endpoints import Endpoints

if TYPE_CHECKING:
    from datastack.spec import EnvironmentSpec


def mongo_login(spec: EnvironmentSpec, secrets: dict[str, str], user: str | None = None,
                database: str | None = None) -> Login:
    """The login of `user` (the admin when None); with `database`, the user declared in that database only
    (MongoDB users are per database: two databases may each have a user of the same name)."""
    mongo = require_section(spec.services.mongodb, "mongodb")
    login = _declared_login(mongo, secrets, user, database)
    if mongo.external is not None and mongo.external.uri is not None:
        return replace(login, server_uri=secrets[mongo.external_uri_secret_id])
    return login


def _declared_login(mongo, secrets: dict[str, str], user: str | None, database: str | None) -> Login:
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
    if ep.uri_secret_id is not None:
        return _from_server_uri(login, auth, params)
    if ep.tls_ca_file:
        params += ["tls=true", f"tlsCAFile={quote(ep.tls_ca_file, safe='/')}"]
    if ep.replica_set:
        params.append(f"replicaSet={ep.replica_set}")
    else:
        params.append("directConnection=true")
    path = login.database if login.database != "admin" else ""
    return f"mongodb://{auth}{','.join(ep.hosts)}/{path}?{'&'.join(params)}"


def check_server_uri(uri: str) -> dict:
    """An external server's URI, parsed by pymongo's own parser without its DNS half (a mongodb+srv:// name is looked
    up when connecting, not when validating). Raises ValueError that never repeats the URI: it may hold a password."""
    from pymongo.errors import ConfigurationError, InvalidURI

    from datastack.spec.external import check_uri_characters

    try:
        from pymongo.uri_parser_shared import _validate_uri  # pymongo >= 4.9: parse_uri's validation, no SRV lookup
    except ImportError:  # pragma: no cover - older pymongo: the public parser (which resolves SRV names)
        from pymongo.uri_parser import parse_uri as _parse

        def _validate_uri(uri, *args):
            return _parse(uri)
    check_uri_characters(uri)
    try:
        return _validate_uri(uri, 27017, True, False, True, None)
    except (InvalidURI, ConfigurationError, ValueError, TypeError):
        raise ValueError("is not a valid mongodb:// or mongodb+srv:// URI (pymongo's parser refused it)") from None


def unverified_tls(uri: str) -> str | None:
    """What in a MongoDB URI leaves the server unverified, or None. mongodb+srv:// turns TLS on unless it says
    tls=false (MongoDB manual, Connection String Formats, "SRV Connection Format"); tlsInsecure and the two
    tlsAllowInvalid* options switch certificate or host name checks off (manual, "TLS Options")."""
    options = check_server_uri(uri)["options"]  # pymongo's: names lower-cased, ssl= read as tls=
    srv = uri.startswith("mongodb+srv://")
    if not options.get("tls", srv):
        return "tls=false" if srv else "no tls=true"
    for name in ("tlsInsecure", "tlsAllowInvalidCertificates", "tlsAllowInvalidHostnames"):
        if options.get(name.lower()):
            return f"{name}=true"
    return None


def check_external_uri(spec: EnvironmentSpec, secrets: dict[str, str], spec_file: str) -> None:
    spec.services.mongodb.check_resolved_uri(secrets, spec_file, check_server_uri, "mongodb+srv://cluster0.example.net/",
                                             unverified=unverified_tls if spec.tier == "production" else None)


def _from_server_uri(login: Login, auth: str, params: list[str]) -> str:
    """The declared URI's scheme, hosts and options with the login's credentials and authentication in place of any
    it carried (ours win where both say something)."""
    from datastack.spec.secrets import MASK

    if login.server_uri is None:
        raise ValueError("the external MongoDB URI was not resolved with the secrets")
    if login.server_uri == MASK:  # `plan` shows what it would connect with, never where the URI points
        return f"mongodb://{auth}{MASK}/?{'&'.join(params)}"
    parsed = check_server_uri(login.server_uri)
    scheme = urlsplit(login.server_uri).scheme
    hosts = parsed["fqdn"] or ",".join(f"[{h}]:{p}" if ":" in h else f"{h}:{p}" for h, p in parsed["nodelist"])
    ours = dict(p.split("=", 1) for p in params)
    overridden = {k.lower() for k in ours}  # option names are case-insensitive
    theirs = [(k, v) for k, v in parse_qsl(urlsplit(login.server_uri).query) if k.lower() not in overridden]
    path = login.database if login.database != "admin" else ""
    return f"{scheme}://{auth}{hosts}/{path}?{urlencode(theirs + list(ours.items()))}"
