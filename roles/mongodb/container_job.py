"""MongoDB's first start in containers with a real mongod: a one-shot job that initiates the replica set, waits
for PRIMARY and creates the first administrator — nothing else (the reconciler owns every other user).

The Docker engine runs it as a job joining the first member's network namespace (`container:<member>`), so it
reaches mongod on 127.0.0.1 where the localhost exception lets it create the administrator; the password reaches
it in one environment variable of a container removed once it exits, never in its command. The Pulumi program
runs the same script through `docker exec -i` into member 0 with the script on stdin (`mongo_first_start_exec`):
a declared job container would be kept with the password, and its `container:<name>` network mode reads back as
`container:<id>`, forcing a replacement on every update. The stand-in image makes its administrator itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from datastack.plan import containers
from datastack.plan.definitions import ENVIRONMENT_LABEL, SERVICE_LABEL, JobDefinition
from datastack.plan.model import Plan, ServicePlan

from .container import INNER_PORT
from .first_start import replica_set_config

FIRST_START_VARIABLE = "DATASTACK_MONGO_FIRST_START"

# The same branches as first_start.py (status first; initiate only on NotYetInitialized 94; once a user exists,
# Unauthorized 13 -> log in as the administrator and create nothing; any PRIMARY), in mongosh, which runs it inside
# member 0's network namespace. `cfg` is defined before this body: from a variable (Docker engine) or inline (stdin).
MONGOSH_BODY = """
const admin = db.getSiblingDB('admin');
let authed = false;
function login() {
  try { authed = admin.auth(cfg.admin.user, cfg.admin.pwd).ok === 1; } catch (e) { authed = false; }
  if (!authed) throw new Error('the administrator ' + cfg.admin.user + ' was refused: users exist, log in as it');
}
function run(command) {
  let reply = admin.runCommand(command);
  if (reply.code === 13 && !authed) { login(); reply = admin.runCommand(command); }
  return reply;
}
if (cfg.replicaSet) {
  const status = run({replSetGetStatus: 1});
  if (status.ok !== 1) {
    if (status.code !== 94) throw new Error('replSetGetStatus failed: ' + status.errmsg);
    const initiated = run({replSetInitiate: cfg.replicaSet});
    if (initiated.ok !== 1 && initiated.code !== 23) throw new Error('replSetInitiate failed: ' + initiated.errmsg);
  }
  // Member 0 has the highest priority: whoever is elected first, it takes over and is where the admin is made.
  for (let i = 0; i < 240 && !run({hello: 1}).isWritablePrimary; i++) sleep(250);
  if (!run({hello: 1}).isWritablePrimary) throw new Error('member 0 did not become PRIMARY in 60s');
}
if (!authed) {
  const made = run({createUser: cfg.admin.user, pwd: cfg.admin.pwd, roles: [{role: 'root', db: 'admin'}],
                    mechanisms: ['SCRAM-SHA-256']});
  if (made.ok !== 1 && made.code !== 51003) throw new Error('createUser failed: ' + made.errmsg);
}
print('mongodb first start: ' + (cfg.replicaSet ? 'replica set ' + cfg.replicaSet._id + ' PRIMARY, ' : '') + 'administrator ready');
""".strip()
MONGOSH_SCRIPT = f"const cfg = JSON.parse(process.env.{FIRST_START_VARIABLE});\n{MONGOSH_BODY}"


def inline_script(document: dict) -> str:
    """The script with its document inline, for mongosh reading stdin: nothing lands in an environment."""
    return f"const cfg = {json.dumps(document, sort_keys=True)};\n{MONGOSH_BODY}\n"


def first_start_document(svc: ServicePlan, secrets: dict[str, str]) -> dict:
    document: dict = {"replicaSet": None, "admin": None}
    for step in svc.bootstrap:
        if step.action == "mongo_initiate_replica_set":
            document["replicaSet"] = replica_set_config(step)
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


@dataclass(frozen=True)
class FirstStartExec:
    """The first start as `docker exec -i <container> <command>` with the script on stdin (the Pulumi program's way):
    nothing is created, so no container is kept holding the password, and it is in no environment and no argv."""

    container: str
    command: list[str]
    stdin: str


def mongo_first_start_exec(plan: Plan, svc: ServicePlan, secrets: dict[str, str],
                           member_addresses: list[str] | None = None) -> FirstStartExec:
    """`member_addresses`: where members run on hosts of their own, the routable address of each, member 0 first."""
    first = plan.by_role("mongodb")[0]
    document = first_start_document(svc, secrets)
    if member_addresses and document["replicaSet"]:
        for member, address in zip(document["replicaSet"]["members"], member_addresses, strict=True):
            member["host"] = address
    # mongosh reads a script from stdin when it is not a terminal; --host 127.0.0.1 keeps the localhost exception.
    return FirstStartExec(
        container=containers.container_name(plan.environment, first.name),
        command=["mongosh", "--quiet", "--norc", "--host", "127.0.0.1", "--port", str(INNER_PORT)],
        stdin=inline_script(document),
    )
