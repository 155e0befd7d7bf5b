"""A freshly created container's first start: its service's one-shot job, when its plan has first-start steps.

Most images make their first administrator themselves (from a password file or the first config file), so their
plans carry no steps; a service whose first start must happen from inside (a replica set initiated under the
localhost exception) brings its `Service.first_start_job`, the same job the Pulumi program declares.
Every other login is the store reconciler's, run by the engine afterwards.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import RuntimeFailure
from ...plan.definitions import JobDefinition
from ...services import service_named

if TYPE_CHECKING:
    from .engine import DockerEngine

JOB_TIMEOUT_S = 120


def first_start(engine: "DockerEngine", service: str) -> None:
    svc = engine.plan.service(service)
    if not svc.bootstrap:
        return
    make_job = service_named(svc.role).first_start_job
    if make_job is None:
        raise RuntimeFailure(f"{service}: its plan has first-start steps but its service declares no container job",
                             fix=f"give roles/{svc.role}/ a first_start_job in its registry entry")
    _run_job(engine, make_job(engine.plan, svc, engine.secrets))


def _run_job(engine: "DockerEngine", job: JobDefinition) -> None:
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
