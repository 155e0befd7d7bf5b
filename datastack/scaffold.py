"""`datastack init DIR`: a new project that passes `up`, `migrate` and `check` as it is generated.

    DIR/README.md                                how to run it
    DIR/.gitignore                               keeps the state beside the spec (.datastack/) out of git
    DIR/environments/<name>.yaml                 templates/project/environment.yaml.j2: local processes, free ports
    DIR/...                                      the files templates/project/MANIFEST lists (schemas, migrations)

Everything is checked before the first file is written (a bad name, a file that would be overwritten), so a
refused init leaves nothing behind.
"""

from __future__ import annotations

import socket
from pathlib import Path

from .errors import UserError
from .paths import TEMPLATES_DIR
from .spec.environment import is_environment_name

SOURCE = TEMPLATES_DIR / "project"


def manifest() -> dict[str, str]:
    """Project file -> template file copied as it is (templates/project/MANIFEST)."""
    entries = {}
    for line in (SOURCE / "MANIFEST").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            target, source = (part.strip() for part in line.split("<-"))
            entries[target] = source
    return entries


class FreePorts(dict):
    """`ports.<anything>` in the environment template: a distinct free port per name, picked when first asked for."""

    def __missing__(self, name: str) -> int:
        self[name] = free_port(set(self.values()))
        return self[name]


def free_port(taken: set[int]) -> int:
    """A port nothing listens on now (the kernel's pick), distinct from the others chosen."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in taken and port >= 1024:
            taken.add(port)
            return port


def scaffold_project(target: Path, name: str) -> list[Path]:
    """Write the project; returns the files written. UserError (exit 2) before any write when it cannot."""
    if not is_environment_name(name):
        raise UserError(f"--name: {name!r} is not an environment name",
                        fix="use lower-case letters, digits and '-', starting with a letter (at most 31), e.g. eu-qa")
    if target.exists() and not target.is_dir():
        raise UserError(f"{target} is a file", fix="name a new or empty directory")
    files = _contents(name)
    clashes = [rel for rel in files if (target / rel).exists() or (target / rel).is_symlink()]
    if clashes:
        raise UserError(f"{target / clashes[0]} already exists", fix="choose a new directory (init never overwrites)")
    written = []
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written


def _contents(name: str) -> dict[str, str]:
    from .plan.render import render_template

    return {
        "README.md": (SOURCE / "README.md").read_text().replace("{name}", name),  # name matched the pattern above
        ".gitignore": ".datastack/\n",  # state (data, generated secrets) lives beside the spec: never committed
        f"environments/{name}.yaml": render_template("project/environment.yaml.j2", env_name=name, ports=FreePorts()),
        **{rel: (SOURCE / source).read_text() for rel, source in manifest().items()},
    }
