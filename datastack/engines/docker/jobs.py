"""One-shot job containers that bootstrap the data stores from inside the environment's network.

- `mongo_init_job`: a real mongod — initiate the replica set, wait for PRIMARY, create the admin and the
  database users. Run by the Docker engine and declared by the Pulumi program alike.
- `standin_users_job`, `postgres_init_job`: the same users/roles/databases for the Pulumi program, which
  cannot run code on the host after a container starts (the Docker engine does these over published ports).

The mongod job joins the first member's network namespace (`container:<member>`), so it reaches mongod on
127.0.0.1 and the localhost exception lets it create the first (admin) user; every later run
authenticates as that admin. Passwords reach it in one environment variable, never in its command.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ...plan import containers
from ...plan.model import Plan
from ...spec import EnvironmentSpec
from .definition import ENVIRONMENT_LABEL, SERVICE_LABEL, DeliveredFile

BOOTSTRAP_VARIABLE = "DATASTACK_MONGO_BOOTSTRAP"

MONGOSH_SCRIPT = """
const cfg = JSON.parse(process.env.DATASTACK_MONGO_BOOTSTRAP);
const admin = db.getSiblingDB('admin');
if (cfg.replicaSet) {
  try { rs.initiate(cfg.replicaSet); } catch (e) { if (e.codeName !== 'AlreadyInitialized') throw e; }
  for (let i = 0; i < 240 && !admin.runCommand({hello: 1}).isWritablePrimary; i++) sleep(250);
  if (!admin.runCommand({hello: 1}).isWritablePrimary) throw new Error('replica set elected no PRIMARY in 60s');
}
const first = cfg.users[0];
let authed = false;
try { authed = admin.auth(first.user, first.pwd).ok === 1; } catch (e) { authed = false; }
if (!authed) {
  admin.createUser({user: first.user, pwd: first.pwd, roles: first.roles, mechanisms: ['SCRAM-SHA-256']});
  admin.auth(first.user, first.pwd);
}
for (const u of cfg.users) {
  const target = db.getSiblingDB(u.db);
  if (target.getUser(u.user)) target.updateUser(u.user, {pwd: u.pwd, roles: u.roles});
  else target.createUser({user: u.user, pwd: u.pwd, roles: u.roles, mechanisms: ['SCRAM-SHA-256']});
}
print('mongodb bootstrap: ' + (cfg.replicaSet ? 'replica set ' + cfg.replicaSet._id + ' PRIMARY, ' : '') + cfg.users.length + ' users ready');
""".strip()


@dataclass(frozen=True)
class JobDefinition:
    service: str
    name: str
    image: str
    command: list[str]
    environment: dict[str, str]
    secret_keys: list[str]
    network_container: str | None = None  # join this container's network namespace (localhost exception)
    network: str | None = None  # or join the environment's network
    entrypoint: list[str] | None = None
    files: list[DeliveredFile] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


def mongo_bootstrap_document(spec: EnvironmentSpec, plan: Plan, secrets: dict[str, str]) -> dict:
    """The replica set config and every user (admin first) from the plan's bootstrap steps."""
    members = plan.by_role("mongodb")
    steps = [step for m in members for step in m.bootstrap]
    document: dict = {"replicaSet": None, "users": []}
    for step in steps:
        if step.action == "mongo_initiate_replica_set":
            document["replicaSet"] = {"_id": step.target,
                                      "members": [{"_id": i, "host": h} for i, h in enumerate(step.params["members"])]}
        elif step.action == "mongo_create_user":
            p = step.params
            document["users"].append({"db": p["db"], "user": p["user"], "pwd": secrets[p["secret_id"]], "roles": p["roles"]})
    return document


def mongo_init_job(spec: EnvironmentSpec, plan: Plan, secrets: dict[str, str]) -> JobDefinition:
    first = plan.by_role("mongodb")[0]
    document = mongo_bootstrap_document(spec, plan, secrets)
    return JobDefinition(
        service="mongodb-init",
        name=containers.container_name(plan.environment, "mongodb-init"),
        image=first.image,
        command=["mongosh", "--quiet", "--norc", "--host", "127.0.0.1", "--port", str(containers.CONTAINER_PORTS["mongodb"]),
                 "--eval", MONGOSH_SCRIPT],
        environment={BOOTSTRAP_VARIABLE: json.dumps(document, sort_keys=True)},
        secret_keys=[BOOTSTRAP_VARIABLE],
        network_container=containers.container_name(plan.environment, first.name),
        labels={ENVIRONMENT_LABEL: plan.environment, SERVICE_LABEL: "mongodb-init"},
    )


STANDIN_USERS_SCRIPT = """
import json, os, pymongo
cfg = json.loads(os.environ['DATASTACK_MONGO_BOOTSTRAP'])
admin = cfg['users'][0]
client = pymongo.MongoClient(cfg['host'], directConnection=True, username=admin['user'], password=admin['pwd'],
                             authSource='admin', serverSelectionTimeoutMS=30000)
for u in cfg['users']:
    db = client[u['db']]
    verb = 'updateUser' if db.command('usersInfo', u['user'])['users'] else 'createUser'
    extra = {} if verb == 'updateUser' else {'mechanisms': ['SCRAM-SHA-256']}
    db.command(verb, u['user'], pwd=u['pwd'], roles=u['roles'], **extra)
client.close()
print('mongodb bootstrap: %d users ready' % len(cfg['users']))
""".strip()


def standin_users_job(spec: EnvironmentSpec, plan: Plan, secrets: dict[str, str]) -> JobDefinition:
    """The stand-in image made the admin at first start; this job adds the database users as that admin."""
    first = plan.by_role("mongodb")[0]
    document = mongo_bootstrap_document(spec, plan, secrets)
    document["host"] = f"{first.name}:{containers.CONTAINER_PORTS['mongodb']}"
    return JobDefinition(
        service="mongodb-init",
        name=containers.container_name(plan.environment, "mongodb-init"),
        image=first.image,
        entrypoint=["/opt/secantus/bin/python", "-c"],
        command=[STANDIN_USERS_SCRIPT],
        environment={BOOTSTRAP_VARIABLE: json.dumps(document, sort_keys=True)},
        secret_keys=[BOOTSTRAP_VARIABLE],
        network=containers.network_name(plan.environment),
        labels={ENVIRONMENT_LABEL: plan.environment, SERVICE_LABEL: "mongodb-init"},
    )


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_identifier(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def postgres_bootstrap_sql(steps, secrets: dict[str, str]) -> str:
    """Idempotent SQL for the plan's PostgreSQL steps: the same roles and databases as datastack.bootstrap.postgres."""
    lines = ["-- Managed by datastack (role: postgres) — roles and databases from the environment spec."]
    for step in steps:
        name = _sql_identifier(step.target)
        if step.action == "postgres_create_role":
            lines.append(f"SELECT 'CREATE ROLE {name} LOGIN' WHERE NOT EXISTS "
                         f"(SELECT 1 FROM pg_roles WHERE rolname = {_sql_literal(step.target)})\\gexec")
            lines.append(f"ALTER ROLE {name} LOGIN PASSWORD {_sql_literal(secrets[step.params['secret_id']])};")
        elif step.action == "postgres_create_database":
            owner = _sql_identifier(step.params["owner"])
            lines.append(f"SELECT 'CREATE DATABASE {name} OWNER {owner}' WHERE NOT EXISTS "
                         f"(SELECT 1 FROM pg_database WHERE datname = {_sql_literal(step.target)})\\gexec")
            lines.append(f"REVOKE ALL ON DATABASE {name} FROM PUBLIC;")
            lines += [f"GRANT CONNECT ON DATABASE {name} TO {_sql_identifier(r)};" for r in step.params.get("connect", [])]
    return "\n".join(lines) + "\n"


def postgres_init_job(spec: EnvironmentSpec, plan: Plan, secrets: dict[str, str]) -> JobDefinition:
    """psql from the PostgreSQL image against the server's DNS name; the SQL (it holds passwords) is a 0400 file."""
    pg_plan = plan.by_role("postgres")[0]
    user = containers.image_user(spec, "postgres")
    script = DeliveredFile(f"{containers.CONF_DIR}/bootstrap.sql", postgres_bootstrap_sql(pg_plan.bootstrap, secrets),
                           0o400, user.uid, user.gid, True)
    return JobDefinition(
        service="postgres-init",
        name=containers.container_name(plan.environment, "postgres-init"),
        image=pg_plan.image,
        entrypoint=["psql"],
        command=["-v", "ON_ERROR_STOP=1", "-f", script.path],
        environment={"PGHOST": pg_plan.name, "PGPORT": str(containers.CONTAINER_PORTS["postgres"]),
                     "PGUSER": spec.services.postgres.superuser.name, "PGDATABASE": "postgres",
                     "PGPASSFILE": f"{containers.CONF_DIR}/pgpass", "PGCONNECT_TIMEOUT": "10"},
        secret_keys=[],
        files=[script, DeliveredFile(f"{containers.CONF_DIR}/pgpass", f"*:*:*:*:{secrets['postgres.superuser']}\n",
                                     0o400, user.uid, user.gid, True)],
        network=containers.network_name(plan.environment),
        labels={ENVIRONMENT_LABEL: plan.environment, SERVICE_LABEL: "postgres-init"},
    )
