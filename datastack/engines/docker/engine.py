"""The Docker engine: every service of a container plan as a labelled container on the environment's network.

`up` is idempotent: a running container whose config-hash label matches is left alone (same ID); a changed
one is recreated; a missing or dead one (killed by hand) is created again. Data lives in named volumes that
survive `down`; `down --purge` removes them. A failed `up` removes the containers it created itself.
"""

from __future__ import annotations

import shutil
import time

from ...endpoints import Endpoints
from ...errors import RuntimeFailure, UserError
from ...plan import containers
from ...plan.model import Plan
from ...probes import tcp_open, wait_until_ready
from ...spec import EnvironmentSpec
from ..base import Engine, ServiceState
from .bootstrap import first_start
from ...plan.definitions import ENVIRONMENT_LABEL, ContainerDefinition, container_definitions
from .files import files_archive
from .images import ensure_images
from .runtime import create_container, find_container, health_of, remove_container, wait_healthy

STOP_TIMEOUT_S = 30  # as the Pulumi program's destroy_grace_seconds: a clean shutdown, not a kill mid-write


class DockerEngine(Engine):
    name = "docker"

    def __init__(self, spec: EnvironmentSpec, plan: Plan, secrets: dict[str, str], say=lambda line: None):
        super().__init__(spec, plan, secrets, say)
        self.definitions = container_definitions(spec, plan)
        self._client = None

    @property
    def client(self):
        if self._client is None:
            from ...images.docker_client import connect_docker

            self._client = connect_docker()
        return self._client

    @property
    def network(self) -> str:
        return containers.network_name(self.spec.name)

    # ---- up ----------------------------------------------------------------------------------
    def up(self, endpoints: Endpoints) -> dict[str, str]:
        """Bring every container to its planned state; returns {service: unchanged|started|restarted}."""
        ensure_images(self.client, self.definitions, self.say)
        self._check_ports()
        created_network = self._ensure_network()
        outcome: dict[str, str] = {}
        created: list[ContainerDefinition] = []
        published = self._endpoints(endpoints)
        try:
            for definition in self.definitions:
                outcome[definition.service] = self._converge(definition, created, published)
        except BaseException:
            for definition in reversed(created):
                remove_container(self.client, definition.name)
            if created_network:
                self._remove_network()
            raise
        published.save(self.state_dir / "endpoints.json")
        return outcome

    def _converge(self, d: ContainerDefinition, created: list[ContainerDefinition], endpoints: Endpoints) -> str:
        existing = find_container(self.client, d.name)
        verb = "started"
        if existing is not None:
            same = existing.labels.get("io.datastack.config-hash") == d.config_hash
            if same and existing.status == "running":
                return "unchanged"
            if same:
                self.say(f"{d.service}: container is {existing.status}, replacing it")
            else:
                self.say(f"{d.service}: configuration changed, recreating its container")
                verb = "restarted"
            remove_container(self.client, d.name, timeout=STOP_TIMEOUT_S)
        started = time.monotonic()
        container = create_container(self.client, d, self.network)
        created.append(d)
        if d.files:
            container.put_archive("/", files_archive(d.files))
        container.start()
        wait_healthy(container, d, say=self.say)
        svc = self.plan.service(d.service)
        probe = svc.readiness
        secret = self.secrets.get(probe.login_secret_id) if probe.login_secret_id else None
        wait_until_ready(probe, d.service, secret=secret, user=probe.login_user,
                         log_tail=lambda: container.logs(tail=5).decode(errors="replace"))
        self.say(f"{d.service}: healthy on 127.0.0.1:{probe.port} in {time.monotonic() - started:.1f}s ({container.short_id})")
        first_start(self, d.service)
        if svc.reconcile_logins:
            self.reconcile_logins(svc, endpoints)
        return verb

    def _ensure_network(self) -> bool:
        if self.client.networks.list(names=[self.network]):
            return False
        self.client.networks.create(self.network, driver="bridge", labels={ENVIRONMENT_LABEL: self.spec.name})
        self.say(f"network {self.network} created")
        return True

    def _remove_network(self) -> None:
        for network in self.client.networks.list(names=[self.network]):
            network.remove()

    def _check_ports(self) -> None:
        """A published port held by another container, or by a process, stops `up` before anything is created."""
        ours = {d.name for d in self.definitions}
        holders: dict[int, str] = {}
        for other in self.client.containers.list():
            for bindings in (other.attrs.get("NetworkSettings", {}).get("Ports") or {}).values():
                for binding in bindings or []:
                    holders[int(binding["HostPort"])] = other.name
        for d in self.definitions:
            for port in d.ports:
                holder = holders.get(port.host_port)
                if holder == d.name:
                    continue
                if holder is not None:
                    raise UserError(f"port {port.host_port} ({d.service}) is already published by container {holder}",
                                    fix=f"stop it ('docker stop {holder}') or change the port in the spec")
                if holder is None and tcp_open("127.0.0.1", port.host_port, timeout=0.2) and d.name not in holders.values():
                    raise UserError(f"port {port.host_port} ({d.service}) is already in use by another process",
                                    fix="stop that process or change the port in the spec")
        del ours

    def _endpoints(self, endpoints: Endpoints) -> Endpoints:
        """Published loopback ports for clients on this machine; testinfra reaches each server by docker://."""
        from ...services import declared_services

        instances = self.spec.services.instances()
        by_role = {d.role: d.name for d in self.definitions if d.service not in instances}
        by_service = {d.service: d.name for d in self.definitions}
        for service in declared_services(self.spec):
            if service.name in instances:  # its endpoint is in its own Endpoints, named like its service
                endpoint = getattr(endpoints.instances.get(service.name), instances[service.name], None)
                if endpoint is not None and service.name in by_service:
                    endpoint.testinfra_host = f"docker://{by_service[service.name]}"
                continue
            if service.in_containers is not None:
                service.in_containers(endpoints, by_role, by_service)
                continue
            endpoint = getattr(endpoints, service.name, None)  # one server: its endpoint is named like the service
            if endpoint is not None and service.name in by_role:
                endpoint.testinfra_host = f"docker://{by_role[service.name]}"
        return endpoints

    # ---- down / status -----------------------------------------------------------------------
    def down(self, purge: bool = False) -> list[str]:
        stopped = []
        for d in reversed(self.definitions):
            existing = find_container(self.client, d.name)
            if existing is None:
                continue
            was_running = existing.status == "running"
            remove_container(self.client, d.name, timeout=STOP_TIMEOUT_S)
            if was_running:
                stopped.append(d.service)
                self.say(f"{d.service}: stopped and removed")
        self._remove_network()
        if purge:
            for d in self.definitions:
                if d.volume:
                    self._remove_volume(d.volume)
            if self.state_dir.exists():
                from ...state_dir import check_purgeable

                check_purgeable(self.state_dir, self.spec)
                shutil.rmtree(self.state_dir)
        return stopped

    def _remove_volume(self, name: str) -> None:
        from docker.errors import NotFound

        try:
            self.client.volumes.get(name).remove(force=True)
            self.say(f"volume {name} removed")
        except NotFound:
            pass

    def status(self) -> list[ServiceState]:
        states = []
        for d in self.definitions:
            existing = find_container(self.client, d.name)
            if existing is None:
                state, pid, current = "stopped", None, None
            else:
                running = existing.status == "running"
                # A container that exited without `datastack down` (killed, crashed) is dead: `up` replaces it.
                state = health_of(existing) if running else "dead"
                pid = existing.attrs["State"].get("Pid") or None if running else None
                current = existing.labels.get("io.datastack.config-hash") == d.config_hash if running else None
            svc = self.plan.service(d.service)
            states.append(ServiceState(name=d.service, role=d.role, implementation=d.implementation, state=state,
                                       pid=pid, ports=[p.host_port for p in d.ports], config_current=current,
                                       notes=svc.notes))
        return states


def require_running(engine: DockerEngine, service: str):
    existing = find_container(engine.client, containers.container_name(engine.spec.name, service))
    if existing is None or existing.status != "running":
        raise RuntimeFailure(f"{service} is not running", fix=f"datastack up {engine.spec.selector} --engine docker")
    return existing
