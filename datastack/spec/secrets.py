"""Secret references resolved to values: ${env:NAME}, ${file:PATH}, or generated once per environment.

Generated secrets live in `<state_dir>/secrets.json`, mode 0600, and are never printed;
every other secret stays where its reference points.
"""

from __future__ import annotations

import json
import os
import secrets as token_source
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UserError
from .common import GENERATE, SECRET_REF

if TYPE_CHECKING:
    from .environment import EnvironmentSpec

MASK = "********"


def write_private(path: Path, text: str, mode: int = 0o600) -> None:
    """Write a file that only its owner may read, without a window where it is wider: a fresh file from
    mkstemp (O_EXCL, random name: a link planted under a predictable name is never followed), renamed over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class SecretStore:
    """Resolves every secret of a spec. Generated values persist so a second `up` reuses them."""

    def __init__(self, spec: EnvironmentSpec, state_dir: Path, spec_file: str):
        self.spec = spec
        self.path = state_dir / "secrets.json"
        self.spec_file = spec_file

    def resolve_all(self, *, generate: bool = True, only: set[str] | None = None) -> dict[str, str]:
        """Every secret of the spec, or just the ids in `only` (read-only runs resolve no more than they use)."""
        generated = self._load_generated()
        values: dict[str, str] = {}
        dirty = False
        for secret_id, ref in self.spec.secret_refs():
            if only is not None and secret_id not in only:
                continue
            if ref == GENERATE:
                if secret_id not in generated:
                    if not generate:
                        raise UserError(
                            f"secret {secret_id} has not been generated yet",
                            where=self.spec_file,
                            fix=f"run 'datastack up {self.spec.selector}' first",
                        )
                    generated[secret_id] = token_source.token_hex(24)  # hex: valid in URIs, user files and key files alike
                    dirty = True
                values[secret_id] = generated[secret_id]
            else:
                values[secret_id] = self._resolve_reference(secret_id, ref)
        if dirty:
            write_private(self.path, json.dumps(generated, indent=2, sort_keys=True))
        return values

    def _load_generated(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        try:
            return json.loads(self.path.read_text())
        except json.JSONDecodeError:
            raise UserError("generated secrets file is corrupt", where=str(self.path),
                            fix=f"restore it, or 'datastack down {self.spec.selector} --purge' to start over") from None

    def _resolve_reference(self, secret_id: str, ref: str) -> str:
        kind, target = SECRET_REF.match(ref).groups()
        if kind == "env":
            value = os.environ.get(target)
            if not value:
                raise UserError(f"secret {secret_id}: environment variable {target} is not set",
                                where=self.spec_file, fix=f"export {target}=... before running")
            return value
        path = Path(target).expanduser()
        try:
            return path.read_text().strip()
        except OSError as exc:
            raise UserError(f"secret {secret_id}: cannot read {path} ({exc.strerror})",
                            where=self.spec_file, fix="create the file or correct the reference") from None


def masked(values: Mapping[str, str]) -> dict[str, str]:
    return {key: MASK for key in values}
