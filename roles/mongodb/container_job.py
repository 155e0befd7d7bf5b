"""MongoDB's first start in containers with a real mongod: a one-shot job that initiates the replica set, waits
for PRIMARY and creates the first administrator — nothing else (the reconciler owns every other user).

Run by the Docker engine and declared by the Pulumi program alike. The job joins the first member's network
namespace (`container:<member>`), so it reaches mongod on 127.0.0.1 where the localhost exception lets it create
the administrator. The password reaches it in one environment variable of a container removed once it exits,
never in its command. The stand-in image makes its administrator itself (images/mongodb-standin): no job.
"""

from __future__ import annotations

import json

from datastack.plan import containers
from datastack.plan.definitions import ENVIRONMENT_LABEL, SERVICE_LABEL, JobDefinition
from datastack.plan.model import Plan, ServicePlan

from .container import INNER_PORT

FIRST_START_VARIABLE = "DATASTACK_MONGO_FIRST_START"

MONGOSH_SCRIPT = """
const cfg = JSON.parse(process.env.DATASTACK_MONGO_FIRST_START);
const admin = db.getSiblingDB('admin');
if (cfg.replicaSet) {
  try { rs.initiate(cfg.replicaSet); } catch (e) { if (e.codeName !== 'AlreadyInitialized') throw e; }
  for (let i = 0; i < 240 && !admin.runCommand({hello: 1}).isWritablePrimary; i++) sleep(250);
  if (!admin.runCommand({hello: 1}).isWritablePrimary) throw new Error('replica set elected no PRIMARY in 60s');
}
let authed = false;
try { authed = admin.auth(cfg.admin.user, cfg.admin.pwd).ok === 1; } catch (e) { authed = false; }
if (!authed) {
  admin.createUser({user: cfg.admin.user, pwd: cfg.admin.pwd, roles: [{role: 'root', db: 'admin'}], mechanisms: ['SCRAM-SHA-256']});
}
print('mongodb first start: ' + (cfg.replicaSet ? 'replica set ' + cfg.replicaSet._id + ' PRIMARY, ' : '') + 'administrator ready');
""".strip()


def first_start_document(svc: ServicePlan, secrets: dict[str, str]) -> dict:
    document: dict = {"replicaSet": None, "admin": None}
    for step in svc.bootstrap:
        if step.action == "mongo_initiate_replica_set":
            document["replicaSet"] = {"_id": step.target,
                                      "members": [{"_id": i, "host": h} for i, h in enumerate(step.params["members"])]}
        elif step.action == "mongo_create_admin":
            document["admin"] = {"user": step.params["user"], "pwd": secrets[step.params["secret_id"]]}
    return document


def mongo_first_start_job(plan: Plan, svc: ServicePlan, secrets: dict[str, str]) -> JobDefinition:
    first = plan.by_role("mongodb")[0]
    return JobDefinition(
        service="mongodb-init",
        name=containers.container_name(plan.environment, "mongodb-init"),
        image=first.image,
        command=["mongosh", "--quiet", "--norc", "--host", "127.0.0.1", "--port", str(INNER_PORT),
                 "--eval", MONGOSH_SCRIPT],
        environment={FIRST_START_VARIABLE: json.dumps(first_start_document(svc, secrets), sort_keys=True)},
        secret_keys=[FIRST_START_VARIABLE],
        network_container=containers.container_name(plan.environment, first.name),
        labels={ENVIRONMENT_LABEL: plan.environment, SERVICE_LABEL: "mongodb-init"},
    )
