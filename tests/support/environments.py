"""Throwaway environments for integration tests: the local spec on free ports in a private state dir.

Tests never touch `.datastack/` or the fixed ports of environments/*.yaml, so they can run while
a developer's own `local` environment is up, and several test runs can share a machine.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from datastack.paths import environment_file
from datastack.spec.overlays import read_environment_document


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


_handed_out: set[int] = set()  # ports given to an earlier caller in this process, maybe not bound yet


def free_port_block(size: int, within: tuple[int, int] = (20000, 60000)) -> int:
    """A run of `size` consecutive free ports (MongoDB members sit on consecutive ports).

    Ports handed out before in this process are never handed out again: a spec is written before its servers bind,
    so a port that is still free may already be promised to another service of the same spec."""
    low, high = within
    for _ in range(500):
        base = random.randint(low, high - size)
        block = range(base, base + size)
        if not _handed_out.intersection(block) and all(port_free(port) for port in block):
            _handed_out.update(block)
            return base
    raise RuntimeError(f"no block of {size} free ports in {low}-{high}")


def reachable_tmpdir(prefix: str) -> Path:
    """A temp dir the service users can traverse (pytest's tmp_path is under a 0700 directory)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


def throwaway_spec(state_dir: Path, *, base: str = "local", mutate=None) -> dict:
    data = read_environment_document(environment_file(base))  # merged over its bases, paths made absolute
    data["state_dir"] = str(state_dir / "state")
    services = data["services"]
    mongo = services.get("mongodb")
    if mongo:
        mongo["port"] = free_port_block(mongo.get("members", 1))
    for key in ("postgres", "redis", "mongo_express"):
        if key in services:
            services[key]["port"] = free_port_block(1)
    for app in services.get("apps", []):
        app["port"] = free_port_block(1)
    if mutate:
        mutate(data)
    return data


@dataclass
class ThrowawayEnvironment:
    root: Path
    spec_path: Path

    def cli(self, *args: str, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess:
        """Run the real CLI against this environment's spec file."""
        done = subprocess.run([sys.executable, "-m", "datastack.cli", *args, "--spec", str(self.spec_path)],
                              capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(f"datastack {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    @cached_property
    def session(self):
        from datastack.session import Session

        return Session.open(None, self.spec_path)

    @property
    def spec(self):
        return self.session.spec

    def secrets(self) -> dict[str, str]:
        return self.session.secrets()

    def endpoints(self):
        return self.session.endpoints()

    def uri(self, service: str, user: str | None = None) -> str:
        from datastack.credentials import service_uri

        return service_uri(service, self.spec, self.endpoints(), self.secrets(), user)

    def destroy(self) -> None:
        self.cli("down", "--purge", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def create_environment(prefix: str = "datastack-test-", *, base: str = "local", mutate=None, up: bool = True) -> ThrowawayEnvironment:
    root = reachable_tmpdir(prefix)
    spec_path = root / f"{base}.yaml"
    spec_path.write_text(yaml.safe_dump(throwaway_spec(root, base=base, mutate=mutate), sort_keys=False))
    env = ThrowawayEnvironment(root=root, spec_path=spec_path)
    if up:
        env.cli("up")
    return env


@contextmanager
def throwaway_environment(prefix: str, *, base: str = "local", mutate=None, up: bool = True):
    """`create_environment` for a `with` block (module fixtures): purged on exit, even after a failure."""
    env = create_environment(prefix, base=base, mutate=mutate, up=up)
    try:
        yield env
    finally:
        env.destroy()
