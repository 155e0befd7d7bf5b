"""What this machine can run: programs found on it and the users services run as.

Detected once per command (impure) and handed to the pure plan builder, so tests can build
plans for machines they are not running on. Each service says what it looks for (`Service.find_programs`)
and which system user it runs as when datastack runs as root (`Service.system_user`).
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..spec import EnvironmentSpec

DEFAULT_USER = "datastack"


@dataclass(frozen=True)
class Toolchain:
    python: str
    programs: dict[str, str] = field(default_factory=dict)  # what was found, by the name its service asks for
    service_users: dict[str, str] = field(default_factory=dict)

    def program(self, name: str) -> str | None:
        return self.programs.get(name)

    def user_for(self, role: str) -> str:
        return self.service_users.get(role, DEFAULT_USER)


def detect_toolchain(spec: "EnvironmentSpec | None" = None, python: str | None = None) -> Toolchain:
    from ..services import registered_services

    user = getpass.getuser()
    is_root = os.geteuid() == 0
    programs: dict[str, str] = {}
    users: dict[str, str] = {}
    for service in registered_services():
        if service.find_programs is not None:
            programs.update({name: path for name, path in service.find_programs(spec).items() if path})
        users[service.name] = service.system_user if is_root else user
    return Toolchain(python=python or sys.executable, programs=programs, service_users=users)


def install_hint(program: str) -> str:
    """How to get a missing program, as its service says (default: the Debian package of that name)."""
    from ..services import registered_services

    for service in registered_services():
        if program in service.install_hints:
            return service.install_hints[program]
    return f"install it: apt-get install {program}"
