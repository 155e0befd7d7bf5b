"""The reconcile step's way to a remote Docker host's loopback: an SSH tunnel for the command's lifetime.

The servers publish their ports on 127.0.0.1 of their Docker host. When that host is `ssh://user@host[:port]`
(as staging and prod are), the machine running Pulumi reaches them the way an operator does: a master connection
(`ssh -f -N -M -S <socket>`, ssh(1): -M master mode, -S control socket, -f background once forwarding is set up,
ExitOnForwardFailure=yes: fail instead of running without a forward) with one `-L 127.0.0.1:P:127.0.0.1:P` per port,
closed with `ssh -S <socket> -O exit` whatever the command's outcome, whose exit status is kept.
"""

from __future__ import annotations

import re
import shlex

from datastack.programs import system_program

SSH_HOST = re.compile(r"ssh://(?P<target>[A-Za-z0-9._-]+@[A-Za-z0-9._-]+|[A-Za-z0-9._-]+)(:(?P<port>\d{1,5}))?")


def ssh_cli() -> str:
    return system_program("ssh") or "/usr/bin/ssh"


def loopback_ports(endpoints: dict) -> list[int]:
    """The published loopback ports among a stack's endpoints (stores only: what migrate connects to)."""
    ports = [port for own in (endpoints.get("instances") or {}).values() for port in loopback_ports(own)]
    for store in ("postgres", "redis"):
        endpoint = endpoints.get(store)
        if endpoint and endpoint.get("host") == "127.0.0.1":
            ports.append(int(endpoint["port"]))
    for address in (endpoints.get("mongodb") or {}).get("hosts", []):
        host, _, port = address.rpartition(":")
        if host == "127.0.0.1":
            ports.append(int(port))
    return sorted(set(ports))


def through_ssh_tunnel(command: str, docker_host: str, ports: list[int]) -> str:
    """`command` wrapped in a tunnel to `docker_host` when it is an ssh:// host; unchanged otherwise."""
    match = SSH_HOST.fullmatch(docker_host)
    if match is None or not ports:
        return command
    ssh = [ssh_cli(), *(["-p", match["port"]] if match["port"] else [])]
    forwards = [arg for p in ports for arg in ("-L", f"127.0.0.1:{p}:127.0.0.1:{p}")]
    target = match["target"]
    open_tunnel = shlex.join([*ssh, "-f", "-N", "-M", "-S", "CTL", "-o", "ExitOnForwardFailure=yes", "-o", "BatchMode=yes",
                              *forwards, target]).replace("CTL", '"$dir/ctl"')
    close_tunnel = shlex.join([*ssh, "-S", "CTL", "-O", "exit", target]).replace("CTL", '"$dir/ctl"')
    # The socket lives in a fresh private directory; it is removed whether the tunnel opened or not.
    return (f'dir=$(mktemp -d) || exit 1; if {open_tunnel}; then ( {command} ); rc=$?; {close_tunnel} 2>/dev/null; '
            f'else rc=255; fi; rm -rf "$dir"; exit $rc')
