"""Everything a role needs besides the spec: target layout, toolchain and secret values."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from . import containers
from .model import RenderedFile, ServicePlan
from .toolchain import Toolchain


@dataclass(frozen=True)
class Layout:
    """Where a service's config, data and logs live on the target."""

    target: Literal["local", "container"]
    root: Path

    def service_dir(self, service: str) -> Path:
        return self.root / service if self.target == "local" else Path("/")

    def conf_dir(self, service: str) -> Path:
        # Containers: config files are delivered into each container (owner and mode set), not bind-mounted.
        return self.service_dir(service) / "conf" if self.target == "local" else Path(containers.CONF_DIR)

    def data_dir(self, service: str) -> Path:
        # Containers: where each image keeps its data, so the named volume lands on it.
        if self.target == "local":
            return self.service_dir(service) / "data"
        return Path(containers.data_dir(service) or "/data")

    def log_file(self, service: str) -> Path | None:
        # Containers log to stdout, where `docker logs` finds them.
        return self.service_dir(service) / "logs" / f"{service}.log" if self.target == "local" else None

    def run_dir(self, service: str) -> Path:
        """Where the service itself writes runtime files (sockets, lock files): owned by its user.
        The local engine's own records live in <service>/run/, which stays root-owned."""
        if self.target == "local":
            return self.service_dir(service) / "socket"
        # The service's container definition says where its image expects them.
        return Path(containers.run_dir(service))


if TYPE_CHECKING:
    from ..endpoints import Endpoints
    from ..spec import EnvironmentSpec
    from ..spec.tls import TlsSpec
    from ..tls import MaskedTls, TlsMaterials


@dataclass(frozen=True)
class TlsFiles:
    """What one server reads to serve TLS (files of its plan entry), and the CA its clients verify it with."""

    ca: RenderedFile
    cert: RenderedFile
    key: RenderedFile
    client_ca_file: str
    key_and_cert: RenderedFile  # both in one PEM, for servers that read them so


@dataclass
class PlanContext:
    layout: Layout
    toolchain: Toolchain
    secrets: dict[str, str]
    spec: "EnvironmentSpec | None" = None
    planned: list[ServicePlan] = field(default_factory=list)  # what the services before this one planned
    notes: list[str] = field(default_factory=list)
    tls: "TlsMaterials | MaskedTls | None" = None  # None: masked (a displayed plan)

    def planned_role(self, role: str) -> list[ServicePlan]:
        return [s for s in self.planned if s.role == role]

    @property
    def endpoints(self) -> "Endpoints":
        """Where the services planned so far answer on this machine (what later services connect to)."""
        from .addresses import planned_endpoints

        from ..services import runs_stand_in

        return planned_endpoints(self.spec, self.layout.target, stand_in=runs_stand_in(self.planned))

    def file(self, service: str, name: str, template: str, *, mode: int = 0o644, secret: bool = False,
             first_start_only: bool = False, directory: Path | None = None, **values) -> RenderedFile:
        path = (directory or self.layout.conf_dir(service)) / name
        from .render import render_template  # Jinja2 only when a file is rendered

        content = render_template(template, service=service, **values)
        return RenderedFile(path=str(path), template=template, content=content, mode=0o600 if secret and mode == 0o644 else mode,
                            secret=secret, first_start_only=first_start_only)

    def tls_files(self, service: str, tls: "TlsSpec | None", names: list[str]) -> TlsFiles | None:
        """The TLS files of server `service` (its certificate names `names`), or None when `tls` is not declared."""
        from ..tls import SERVER_CA_FILE, MaskedTls, client_ca_file

        if tls is None:
            return None
        material = (self.tls or MaskedTls()).server(tls, service, names)
        return TlsFiles(
            ca=self.file(service, SERVER_CA_FILE, "tls/pem.j2", pem=material.ca_pem),
            cert=self.file(service, "tls-server.crt", "tls/pem.j2", pem=material.cert_pem),
            key=self.file(service, "tls-server.key", "tls/pem.j2", secret=True, pem=material.key_pem),
            key_and_cert=self.file(service, "tls-server.pem", "tls/pem.j2", secret=True,
                                   pem=material.key_and_cert_pem),
            client_ca_file=client_ca_file(self.spec, tls),
        )

    def tls_ca_for_clients(self, service: str, store: str, tls: "TlsSpec | None") -> RenderedFile | None:
        """Containers: the CA of `store` as a file of the client `service`, where `ca_file_inside` says it is."""
        from ..tls import MaskedTls, ca_file_inside

        if tls is None:
            return None
        path = Path(ca_file_inside(store, tls))
        return self.file(service, path.name, "tls/pem.j2", directory=path.parent, pem=(self.tls or MaskedTls()).ca_pem(tls))
