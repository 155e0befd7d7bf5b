"""Everything a role needs besides the spec: target layout, toolchain and secret values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

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
        return self.service_dir(service) / "conf" if self.target == "local" else Path("/etc/datastack")

    def data_dir(self, service: str) -> Path:
        return self.service_dir(service) / "data" if self.target == "local" else Path("/data")

    def log_file(self, service: str) -> Path | None:
        # Containers log to stdout, where `docker logs` finds them.
        return self.service_dir(service) / "logs" / f"{service}.log" if self.target == "local" else None

    def run_dir(self, service: str) -> Path:
        return self.service_dir(service) / "run" if self.target == "local" else Path("/run/datastack")


@dataclass(frozen=True)
class PlanContext:
    layout: Layout
    toolchain: Toolchain
    secrets: dict[str, str]

    def file(self, service: str, name: str, template: str, *, mode: int = 0o644, secret: bool = False, **values) -> RenderedFile:
        path = self.layout.conf_dir(service) / name
        content = render_template(template, service=service, **values)
        return RenderedFile(path=str(path), template=template, content=content, mode=0o600 if secret and mode == 0o644 else mode, secret=secret)
