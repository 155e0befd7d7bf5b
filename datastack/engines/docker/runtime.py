"""Thin docker SDK helpers: create a container from a definition, find it, wait for its health, remove it."""

from __future__ import annotations

import time

from ...errors import RuntimeFailure
from ...plan.definitions import HEALTH_INTERVAL_S, HEALTH_RETRIES, HEALTH_TIMEOUT_S, ContainerDefinition

NANOSECONDS = 1_000_000_000
PROGRESS_EVERY_S = 5.0


def find_container(client, name: str):
    from docker.errors import NotFound

    try:
        return client.containers.get(name)
    except NotFound:
        return None


def create_container(client, d: ContainerDefinition, network: str):
    """Created, not started: the caller delivers the config files first."""
    endpoint = client.api.create_endpoint_config(aliases=[d.alias])
    return client.containers.create(
        image=d.image,
        command=d.command or None,  # None keeps the image's CMD (its entrypoint gets no extra arguments)
        name=d.name,
        hostname=d.alias.replace("_", "-"),
        environment=d.environment,
        labels=d.labels,
        ports={f"{p.container_port}/tcp": (p.host_ip, p.host_port) for p in d.ports},
        volumes={d.volume: {"bind": d.data_dir, "mode": "rw"}} if d.volume else None,
        healthcheck=healthcheck_config(d),
        restart_policy={"Name": d.restart},
        stop_signal=d.stop_signal,
        user=d.user,
        init=d.init,
        network=network,
        networking_config={network: endpoint},
    )


def healthcheck_config(d: ContainerDefinition) -> dict:
    return {"test": d.healthcheck, "interval": HEALTH_INTERVAL_S * NANOSECONDS,
            "timeout": HEALTH_TIMEOUT_S * NANOSECONDS, "retries": HEALTH_RETRIES}


def health_of(container) -> str:
    """running | starting | unhealthy, from Docker's view of the container's healthcheck."""
    health = (container.attrs.get("State", {}).get("Health") or {}).get("Status")
    return {"healthy": "running", None: "running"}.get(health, health)


def wait_healthy(container, d: ContainerDefinition, *, say, timeout_s: float | None = None) -> float:
    """Poll the container's healthcheck, saying every few seconds how long it has been waiting."""
    timeout_s = timeout_s or HEALTH_INTERVAL_S * HEALTH_RETRIES + 10
    started = time.monotonic()
    next_say = started + PROGRESS_EVERY_S
    while True:
        container.reload()
        state = container.attrs["State"]
        health = (state.get("Health") or {}).get("Status")
        if not state.get("Running"):
            raise RuntimeFailure(f"{d.service} exited during start-up (exit {state.get('ExitCode')}); last log lines: "
                                 f"{_last_lines(container)}", fix=f"docker logs {d.name}")
        if health == "healthy":
            return time.monotonic() - started
        if health == "unhealthy" or time.monotonic() - started > timeout_s:
            raise RuntimeFailure(f"{d.service} not healthy after {time.monotonic() - started:.0f}s ({health}); "
                                 f"last log lines: {_last_lines(container)}", fix=f"docker logs {d.name}")
        if time.monotonic() >= next_say:
            say(f"{d.service}: waiting for health ({health}, {time.monotonic() - started:.0f}s)")
            next_say += PROGRESS_EVERY_S
        time.sleep(0.25)


def remove_container(client, name: str, timeout: int = 10) -> None:
    from docker.errors import NotFound

    container = find_container(client, name)
    if container is None:
        return
    try:
        if container.status == "running":
            container.stop(timeout=timeout)
        container.remove(force=True)
    except NotFound:
        pass


def _last_lines(container) -> str:
    try:
        text = container.logs(tail=5).decode(errors="replace")
    except Exception:  # noqa: BLE001 - diagnostics must never hide the real failure
        return "(no log)"
    return " | ".join(line.strip() for line in text.splitlines() if line.strip()) or "(empty log)"
