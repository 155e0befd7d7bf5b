"""Replica-set members spread over Docker hosts (infra/components/placement.py): a pulumi-docker provider and a private network
per distinct host; the stack's own host keeps its default provider and network."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from datastack.plan import containers
from datastack.plan.definitions import ENVIRONMENT_LABEL, ContainerDefinition

from .placement import MemberHost, member_address, placed


@dataclass
class SpreadMembers:
    members: list[ContainerDefinition]  # placed: ports published on each host's declared interface
    addresses: list[str]  # the routable address of each member, member 0 first
    hosts: list[MemberHost]
    providers: dict[str, docker.Provider]  # by Docker host URL; the stack's own host is absent (default provider)
    networks: dict[str, docker.Network]

    @property
    def first_docker_host(self) -> str:
        return self.hosts[0].docker_host

    def placements(self, default_network: docker.Network) -> list[tuple]:
        return [(self.providers.get(h.docker_host), self.networks.get(h.docker_host, default_network)) for h in self.hosts]


def spread_members(prefix: str, environment: str, members: list[ContainerDefinition], hosts: list[MemberHost],
                   stack_docker_host: str) -> SpreadMembers:
    providers: dict[str, docker.Provider] = {}
    networks: dict[str, docker.Network] = {}
    for host in hosts:
        if host.docker_host == stack_docker_host or host.docker_host in providers:
            continue
        index = len(providers) + 1
        providers[host.docker_host] = docker.Provider(f"{prefix}-docker-host-{index}", host=host.docker_host)
        networks[host.docker_host] = docker.Network(
            f"{prefix}-network-host-{index}", name=containers.network_name(environment), driver="bridge",
            labels=[docker.NetworkLabelArgs(label=ENVIRONMENT_LABEL, value=environment)],
            opts=pulumi.ResourceOptions(provider=providers[host.docker_host]))
    return SpreadMembers(members=[placed(m, h) for m, h in zip(members, hosts, strict=True)],
                         addresses=[member_address(m, h) for m, h in zip(members, hosts, strict=True)],
                         hosts=hosts, providers=providers, networks=networks)
