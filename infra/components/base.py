"""What every role's component shares: its image, data volume and server container as children."""

from __future__ import annotations

import pulumi
import pulumi_docker as docker

from datastack.plan.definitions import ContainerDefinition

from .containers import image, service_container, volume


class ServiceComponent(pulumi.ComponentResource):
    """Children are named after the component: `<name>-image`, `<name>-server`, `<name>-server-data`."""

    def __init__(self, type_token: str, name: str, opts: pulumi.ResourceOptions | None):
        super().__init__(type_token, name, None, opts)
        self._name = name
        self._images: dict[tuple, docker.RemoteImage] = {}

    def child(self, depends_on: list[pulumi.Resource] | None = None,
              provider: pulumi.ProviderResource | None = None) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self, depends_on=depends_on or [], provider=provider)

    def server(self, d: ContainerDefinition, network: docker.Network, depends_on: list[pulumi.Resource] | None = None,
               child_name: str = "server", provider: pulumi.ProviderResource | None = None) -> docker.Container:
        """`provider`: the Docker host it runs on (None: the stack's); images are pulled once per host."""
        key = (d.image, id(provider))
        if key not in self._images:
            suffix = "" if not self._images else f"-{len(self._images)}"
            self._images[key] = image(f"{self._name}-image{suffix}", d.image, self.child(provider=provider))
        data = volume(f"{self._name}-{child_name}-data", d, self.child(provider=provider))
        return service_container(f"{self._name}-{child_name}", d, network, data,
                                 self.child([self._images[key], *(depends_on or [])], provider=provider))


class WebServiceComponent(ServiceComponent):
    """A role that is one HTTP container (mongo-express, apps): the container and the URL it answers on."""

    def __init__(self, type_token: str, name: str, server: ContainerDefinition, network: docker.Network,
                 after: list[pulumi.Resource], opts: pulumi.ResourceOptions | None):
        super().__init__(type_token, name, opts)
        self.container = self.server(server, network, depends_on=after)
        port = server.ports[0]
        self.url = f"http://{port.host_ip}:{port.host_port}"
        self.register_outputs({"url": self.url, "container": self.container.name, "container_id": self.container.id})


def published(d: ContainerDefinition) -> list[str]:
    """host:port of each published port, as clients on the Docker host reach it."""
    return [f"{p.host_ip}:{p.host_port}" for p in d.ports]
