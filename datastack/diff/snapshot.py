"""Read one live environment's design as plain data: reads only, with each store's administrator.

MongoDB: collections with their options and validators, indexes and their options, users and their roles,
custom roles, per declared database. PostgreSQL: Alembic revision, tables/columns/indexes/constraints of
the declared schema (the check suite's catalog snapshot), login roles. Redis: ACL rules per user with
every password and hash removed, and the policy settings below. Environment-specific values (ports,
paths, secrets) are never read, so they cannot show up as differences or leak into output.
"""

from __future__ import annotations

from typing import Any

from roles.mongodb.login import mongo_login, mongo_uri
from roles.postgres.login import postgres_login, postgres_uri
from roles.redis.login import redis_login, redis_uri
from ..errors import RuntimeFailure
from ..session import Session

# Redis settings that are policy (the same in staging and prod by intent); ports, dirs and files are not.
REDIS_SETTINGS = ("maxmemory", "maxmemory-policy", "appendonly", "appendfsync", "save", "protected-mode", "timeout",
                  "tcp-keepalive", "databases", "maxclients", "notify-keyspace-events", "lazyfree-lazy-eviction")
INDEX_NOISE = {"v", "ns", "key", "name"}


def read_snapshot(session: Session) -> dict[str, Any]:
    spec, endpoints, secrets = session.spec, session.endpoints(), session.secrets()
    snapshot: dict[str, Any] = {}
    if spec.services.mongodb:
        snapshot["mongodb"] = _mongodb(spec, endpoints, secrets)
    if spec.services.postgres:
        snapshot["postgres"] = _postgres(spec, endpoints, secrets)
    if spec.services.redis:
        snapshot["redis"] = _redis(spec, endpoints, secrets)
    return snapshot


def _mongodb(spec, endpoints, secrets) -> dict[str, Any]:
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    from roles.mongodb.reconcile.live import plain

    client = MongoClient(mongo_uri(endpoints, mongo_login(spec, secrets)), appname="datastack-diff")
    try:
        found: dict[str, Any] = {}
        for name in spec.services.mongodb.databases:
            db = client[name]
            collections = {}
            for info in db.list_collections():
                if info["name"].startswith(("system.", "_datastack")):
                    continue
                indexes = {} if info.get("type") == "view" else {
                    ix["name"]: {"key": list(plain(ix["key"]).items()), **{k: plain(v) for k, v in ix.items() if k not in INDEX_NOISE}}
                    for ix in db[info["name"]].list_indexes()}
                collections[info["name"]] = {"type": info.get("type", "collection"), "options": plain(info.get("options", {})),
                                             "indexes": indexes}
            users = db.command("usersInfo")["users"]
            roles = db.command("rolesInfo", showPrivileges=True)["roles"]
            found[name] = {
                "collections": collections,
                "users": {u["user"]: sorted(f"{r['role']}@{r['db']}" for r in u.get("roles", [])) for u in users},
                "roles": {r["role"]: plain(r.get("privileges", [])) for r in roles if not r.get("isBuiltin")},
            }
        return found
    except PyMongoError as exc:
        raise RuntimeFailure(f"mongodb of {spec.name}: {str(exc).splitlines()[0][:200]}", fix="is it up? 'datastack status'") from None
    finally:
        client.close()


def _postgres(spec, endpoints, secrets) -> dict[str, Any]:
    import psycopg

    from roles.postgres.reconcile.catalog_snapshot import catalog_snapshot
    from checks.lib.postgres import alembic_revision

    from roles.postgres.reconcile.settings import load_alembic_settings

    ledger = load_alembic_settings().version_table
    login = postgres_login(spec, secrets)
    found: dict[str, Any] = {}
    try:
        with psycopg.connect(postgres_uri(endpoints, login, "postgres"), autocommit=True) as cluster:
            roles = {name: {"login": can_login, "superuser": superuser, "createdb": createdb}
                     for name, can_login, superuser, createdb in cluster.execute(
                         "SELECT rolname, rolcanlogin, rolsuper, rolcreatedb FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1")}
        found["roles"] = roles
        for name, db in spec.services.postgres.databases.items():
            with psycopg.connect(postgres_uri(endpoints, login, name), autocommit=True) as conn:
                conn.execute("SET default_transaction_read_only = on")
                found[name] = {"revision": alembic_revision(conn, db.schema_name, ledger),
                               "structure": catalog_snapshot(conn, db.schema_name, ledger)}
        return found
    except psycopg.Error as exc:
        raise RuntimeFailure(f"postgres of {spec.name}: {str(exc).strip().splitlines()[0][:200]}",
                             fix="is it up? 'datastack status'") from None


def _redis(spec, endpoints, secrets) -> dict[str, Any]:
    import redis

    client = redis.Redis.from_url(redis_uri(endpoints, redis_login(spec, secrets)), decode_responses=True, socket_timeout=5)
    try:
        acl = {}
        for line in client.execute_command("ACL", "LIST"):
            words = line.split()
            # 'user NAME on #hash ~keys ...': hashes (#...) and passwords (>...) differ per environment by design.
            # Redis describes rules from its compiled state, each command once, but in an order that depends on
            # how the user was written (ACL file vs ACL SETUSER): the sorted rules are what compares.
            acl[words[1]] = " ".join(sorted(w for w in words[2:] if not w.startswith(("#", ">", "<", "!"))))
        config = {key: client.config_get(key).get(key) for key in REDIS_SETTINGS}
        return {"acl": acl, "config": {k: v for k, v in config.items() if v is not None}}
    except redis.RedisError as exc:
        raise RuntimeFailure(f"redis of {spec.name}: {str(exc).splitlines()[0][:200]}", fix="is it up? 'datastack status'") from None
    finally:
        client.close()
