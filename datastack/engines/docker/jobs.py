"""One-shot job containers that bootstrap a real mongod from inside: initiate the replica set, wait for
PRIMARY, then create the admin and the database users. Shared by the Docker engine and the Pulumi program.

The job joins the first member's network namespace (`container:<member>`), so it reaches mongod on
127.0.0.1 and the localhost exception lets it create the first (admin) user; every later run
authenticates as that admin. Passwords reach it in one environment variable, never in its command.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ...plan import containers
from ...plan.model import Plan
from ...spec import EnvironmentSpec
from .definition import ENVIRONMENT_LABEL, SERVICE_LABEL

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
    network_container: str
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
