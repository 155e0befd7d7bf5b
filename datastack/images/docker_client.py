"""One way to reach the Docker daemon, with a one-line error a person can act on."""

from __future__ import annotations

from datastack.errors import UserError
from datastack.programs import system_program

INSTALL_FIX = "run `bash scripts/install-docker.sh` (installs docker.io and starts dockerd), or set DOCKER_HOST"


def connect_docker():
    """A pinged `docker.DockerClient`; UserError (exit 2) when no daemon answers."""
    import docker  # lazy: importing the SDK costs ~0.2 s that `images list --help` should not pay
    from docker.errors import DockerException

    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except DockerException as exc:
        cause = str(exc).split("\n")[0][:200]
        raise UserError(f"Docker daemon not reachable ({cause})", fix=INSTALL_FIX) from None
    return client


def require_docker_cli() -> str:
    """Path of the `docker` CLI (used to stream `docker import`, and by testinfra's docker:// backend)."""
    cli = system_program("docker")
    if cli is None:
        raise UserError("the docker CLI is not installed", fix=INSTALL_FIX)
    return cli
