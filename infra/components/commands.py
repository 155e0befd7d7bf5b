"""Commands the program runs on the machine running Pulumi (pulumi-command's local.Command), never in a container.

A non-zero exit fails `pulumi up` (pulumi-command: "If the command exits with a non-zero exit code, the resource
fails"), unlike a one-shot container, whose exit code the Docker provider never reads. Secrets travel on stdin as
Pulumi secrets: not in an environment, an argv or a kept container.
"""

from __future__ import annotations

import shlex

import pulumi
from pulumi_command import local

from datastack.programs import system_program

DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"


def docker_cli() -> str:
    # By absolute path; the fallback is where Debian's docker.io puts it, so the declared command stays stable.
    return system_program("docker") or "/usr/bin/docker"


def docker_exec(name: str, docker_host: str, container: str, command: list[str], stdin: str, triggers: list,
                opts: pulumi.ResourceOptions) -> local.Command:
    """`docker exec -i CONTAINER COMMAND` against the container's own Docker host, the script on stdin."""
    return local.Command(
        name,
        create=shlex.join([docker_cli(), "exec", "-i", container, *command]),
        stdin=pulumi.Output.secret(stdin),
        environment={"DOCKER_HOST": docker_host},
        triggers=triggers,
        opts=opts,
    )
