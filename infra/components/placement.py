"""Where each replica-set member runs: one Docker host per member, from stack config, for a set that survives a host.

    datastack:mongodbHosts:            # Pulumi.<stack>.yaml, one entry per member, member 0 first
      - {dockerHost: "ssh://deploy@prod-data-1.internal", address: prod-data-1.internal, bind: 10.0.1.11}

- `dockerHost`: the Docker engine that runs the member (one pulumi-docker provider per distinct host);
- `address`: the name the member is known by in the replica-set config — it must resolve and route from the other
  members' hosts, from the apps and from wherever migrate and check run (DNS or /etc/hosts);
- `bind`: the host interface that publishes the member's port (declared here, so not 127.0.0.1).
Without it every member runs on the stack's own Docker host, known by its network name. One host may be named for
every member (members then reachable by routable names and a seed list), except in prod, where that is refused.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, replace

import pulumi

from datastack.plan.definitions import ContainerDefinition

DOCKER_HOST = re.compile(r"(ssh|tcp)://[A-Za-z0-9._@:\[\]-]{1,253}|unix:///[A-Za-z0-9._/-]{1,200}")
HOST_NAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")
FIELDS = {"dockerHost", "address", "bind"}


@dataclass(frozen=True)
class MemberHost:
    docker_host: str
    address: str
    bind: str


def read_member_hosts(raw, members: int, stack: str) -> list[MemberHost]:
    """Validate `datastack:mongodbHosts`; a mistake stops the program with one line naming the entry and field."""
    if raw is None:
        return []
    where = f"Pulumi.{stack}.yaml: datastack:mongodbHosts"

    def refuse(what: str, fix: str):
        raise pulumi.RunError(f"{where}{what} — fix: {fix}")

    if not isinstance(raw, list) or len(raw) != members:
        refuse("", f"list one host per member ({members}), member 0 first")
    hosts = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or set(entry) != FIELDS:
            refuse(f"[{index}]", "give exactly dockerHost, address and bind")
        if not isinstance(entry["dockerHost"], str) or not DOCKER_HOST.fullmatch(entry["dockerHost"]):
            refuse(f"[{index}].dockerHost: not a Docker host URL", "e.g. ssh://deploy@prod-data-1.internal")
        if not isinstance(entry["address"], str) or not HOST_NAME.fullmatch(entry["address"]):
            refuse(f"[{index}].address: not a host name", "the member's DNS name, e.g. prod-data-1.internal")
        try:
            ipaddress.ip_address(entry["bind"])
        except (TypeError, ValueError):
            refuse(f"[{index}].bind: not an IP address", "the host's private interface, e.g. 10.0.1.11")
        hosts.append(MemberHost(entry["dockerHost"], entry["address"], str(entry["bind"])))
    # One host may carry every member (dev, staging: routable names, a seed list); production may not.
    if stack == "prod" and len({h.address for h in hosts}) == 1 and members > 1:
        refuse(": every member on one host", "spread the members over different hosts (one lost host must not lose the set)")
    return hosts


def placed(member: ContainerDefinition, host: MemberHost) -> ContainerDefinition:
    """The member's container as placed on its host: its port published on the declared interface."""
    return replace(member, ports=[replace(p, host_ip=host.bind) for p in member.ports])


def member_address(member: ContainerDefinition, host: MemberHost) -> str:
    """How every other member, app and operator reaches it: the host's name and the published port."""
    return f"{host.address}:{member.ports[0].host_port}"


def member_hosts_from_config(settings, spec, stack: str) -> list[MemberHost]:
    """`datastack:mongodbHosts` of the stack's config (a pulumi.Config("datastack")), checked against the spec."""
    mongo = spec.services.mongodb
    return read_member_hosts(settings.get_object("mongodbHosts"), mongo.members if mongo else 0, stack)
