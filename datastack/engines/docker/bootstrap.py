"""Bootstrap a freshly created container: database users and roles, replica set initiation.

Run after every (re)creation: the steps create or update, so a recreated container over an existing
volume converges too. The stand-in and PostgreSQL are reached through their published loopback port as
the admin the image created at first start; a real mongod replica set is initiated by a one-shot job
container inside the first member's network namespace, where the localhost exception applies
(the same job the Pulumi program declares).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...bootstrap.mongodb import create_or_update_user
from ...bootstrap.postgres import run_postgres_bootstrap
from ...errors import RuntimeFailure
from .definition import ContainerDefinition
from .jobs import mongo_init_job

if TYPE_CHECKING:
    from .engine import DockerEngine

JOB_TIMEOUT_S = 120


def bootstrap_service(engine: "DockerEngine", d: ContainerDefinition) -> None:
    svc = engine.plan.service(d.service)
    if not svc.bootstrap:
        return
    if svc.role == "postgres":
        pg = engine.spec.services.postgres
        run_postgres_bootstrap("127.0.0.1", svc.ports[0], pg.superuser.name, engine.secrets["postgres.superuser"],
                               svc.bootstrap, engine.secrets, say=engine.say)
    elif svc.implementation == "secantus":
        _mongo_users_as_admin(engine, svc.ports[0], svc.bootstrap)
    elif svc.role == "mongodb":
        _run_job(engine, mongo_init_job(engine.spec, engine.plan, engine.secrets))


def _mongo_users_as_admin(engine: "DockerEngine", port: int, steps) -> None:
    import pymongo

    mongo = engine.spec.services.mongodb
    client = pymongo.MongoClient(host="127.0.0.1", port=port, directConnection=True, username=mongo.admin.name,
                                 password=engine.secrets["mongodb.admin"], authSource="admin",
                                 serverSelectionTimeoutMS=5000)
    try:
        for step in steps:
            if step.action == "mongo_create_user":
                p = step.params
                create_or_update_user(client, p["db"], p["user"], engine.secrets[p["secret_id"]], p["roles"])
                engine.say(f"user {step.target} ready")
    finally:
        client.close()


def _run_job(engine: "DockerEngine", job) -> None:
    """Run a one-shot container to completion; its exit code decides, its log explains."""
    from .runtime import remove_container

    remove_container(engine.client, job.name)
    container = engine.client.containers.run(
        image=job.image, command=job.command, name=job.name, environment=job.environment,
        network_mode=f"container:{job.network_container}", labels=job.labels, detach=True,
    )
    try:
        result = container.wait(timeout=JOB_TIMEOUT_S)
        log = container.logs(tail=5).decode(errors="replace").strip().replace("\n", " | ")
        if result.get("StatusCode") != 0:
            raise RuntimeFailure(f"{job.name} failed (exit {result.get('StatusCode')}): {log}", fix=f"docker logs {job.name}")
        engine.say(f"{job.service}: {log.splitlines()[-1] if log else 'done'}")
    finally:
        container.remove(force=True)
