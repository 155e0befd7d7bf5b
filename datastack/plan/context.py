"""Everything a role needs besides the spec: target layout, toolchain and secret values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from . import containers
from .model import RenderedFile
from .render import render_template
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
        """Where the service itself writes runtime files (PostgreSQL's socket and lock file): owned by its user.
        The local engine's own records live in <service>/run/, which stays root-owned."""
        if self.target == "local":
            return self.service_dir(service) / "socket"
        # The images create this directory for postgres' socket; nothing else needs one.
        return Path(containers.POSTGRES_SOCKET_DIR if containers.service_role(service) == "postgres" else "/run/datastack")


@dataclass(frozen=True)
class PlanContext:
    layout: Layout
    toolchain: Toolchain
    secrets: dict[str, str]

    def file(self, service: str, name: str, template: str, *, mode: int = 0o644, secret: bool = False, **values) -> RenderedFile:
        path = self.layout.conf_dir(service) / name
        content = render_template(template, service=service, **values)
        return RenderedFile(path=str(path), template=template, content=content, mode=0o600 if secret and mode == 0o644 else mode, secret=secret)
