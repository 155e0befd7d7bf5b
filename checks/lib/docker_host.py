"""testinfra's docker:// transport, with the docker CLI started by its installed path.

testinfra's own DockerBackend shells out to `docker exec` by bare name, so which client ran (or
whether one was found at all) would depend on the caller's PATH. Same commands, resolved client.
"""

from __future__ import annotations

from typing import Any

from testinfra.backend.base import CommandResult
from testinfra.backend.docker import DockerBackend


class InstalledDockerBackend(DockerBackend):
    def __init__(self, name: str, *args: Any, docker_cli: str, **kwargs: Any):
        super().__init__(name, *args, **kwargs)
        self.docker_cli = docker_cli

    def run(self, command: str, *args: str, **kwargs: Any) -> CommandResult:
        cmd = self.get_command(command, *args)
        if self.user is not None:
            out = self.run_local("%s exec -u %s %s /bin/sh -c %s", self.docker_cli, self.user, self.name, cmd)
        else:
            out = self.run_local("%s exec %s /bin/sh -c %s", self.docker_cli, self.name, cmd)
        out.command = self.encode(cmd)
        return out


def docker_host(url: str, docker_cli: str):
    """A testinfra Host for `docker://NAME[?user=U]` that runs `docker_cli`."""
    from testinfra.backend import parse_hostspec
    from testinfra.host import Host

    name, options = parse_hostspec(url)
    options.pop("connection", None)
    backend = InstalledDockerBackend(name, docker_cli=docker_cli, **options)
    host = Host(backend)
    backend.set_host(host)
    return host
