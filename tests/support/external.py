"""Shared by the external-store integration tests: secrets by file reference, and the CLI run on one spec file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def file_reference(root: Path, name: str, value: str) -> str:
    """Write a secret to a 0600 file under root/secrets and return its `${file:...}` reference."""
    path = root / "secrets" / name
    path.parent.mkdir(mode=0o700, exist_ok=True)
    path.write_text(value)
    path.chmod(0o600)
    return f"${{file:{path}}}"


class SpecCli:
    """The real CLI against one spec file under `root`."""

    def __init__(self, root: Path, spec_path: Path):
        self.root, self.spec_path = root, spec_path

    def cli(self, *args: str, spec: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "datastack.cli", *args, "--spec", str(spec or self.spec_path)],
                              capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})

    def check(self) -> tuple[int, dict]:
        """`datastack check --json`: (exit code, report)."""
        out = self.root / "check.json"
        out.unlink(missing_ok=True)
        done = self.cli("check", "--json", str(out))
        assert out.exists(), done.stdout + done.stderr
        return done.returncode, json.loads(out.read_text())

    def purge(self) -> None:
        """`down --purge`, whatever state the test left (its outcome is the test's to assert)."""
        self.cli("down", "--purge")


def failed(report: dict) -> dict[str, str]:
    return {c["id"]: c["message"] for c in report["checks"] if c["outcome"] == "failed"}


def dev_with_external_stores():
    """The repository's dev environment with its three stores declared external (seed list, host and port)."""
    from datastack.spec import EnvironmentSpec, load_environment

    spec, _ = load_environment("dev", None)
    data = spec.model_dump(mode="json", by_alias=True, exclude_unset=True)
    mongo, pg, rd = (data["services"][k] for k in ("mongodb", "postgres", "redis"))
    for section, fields in ((mongo, ("version", "topology", "members", "replica_set_name", "port", "bind",
                                     "wiredtiger_cache_gb", "keyfile")),
                            (pg, ("version", "port", "bind", "settings")), (rd, ("version", "port", "bind", "databases"))):
        for field in fields:
            section.pop(field, None)
    mongo["external"] = {"hosts": ["db-0.example.net:27017", "db-1.example.net:27017"], "replica_set": "atlas-x1"}
    pg["external"] = {"host": "pg.example.net", "port": 5432}
    rd["external"] = {"host": "10.1.2.3", "port": 6380}
    data["exposed"] = []
    return EnvironmentSpec.model_validate(data)
