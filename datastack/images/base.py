"""The debootstrap base every recipe builds FROM: Debian bookworm minbase with the data tier's packages.

No registry is reachable on the project's machines, so no `FROM debian` either: the root filesystem is
made by debootstrap from Debian's package mirror and imported as `datastack/base:<hash>`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from datastack.errors import RuntimeFailure, UserError
from datastack.images.docker_client import require_docker_cli
from datastack.images.hashing import hash_text, short
from datastack.images.progress import Progress, quiet, run_with_ticker, tail
from datastack.images.recipes import HASH_LABEL, IMAGE_REPOSITORY, RECIPE_LABEL
from datastack.programs import SYSTEM_PATH, system_program

SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
VARIANT = "minbase"
# What every image needs: certificates, and ps/ss for testinfra; each service adds its own (Service.base_packages).
COMMON_PACKAGES = ("ca-certificates", "procps", "iproute2")


def base_packages() -> tuple[str, ...]:
    from datastack.services import registered_services

    return tuple(dict.fromkeys([p for s in registered_services() for p in s.base_packages] + list(COMMON_PACKAGES)))
# Bump when the steps below change in a way the settings above do not show (it changes the base hash).
STEPS_VERSION = "1"
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class BaseImage:
    tag: str
    full_hash: str
    reused: bool
    seconds: float


def base_hash() -> str:
    settings = f"{SUITE}|{VARIANT}|{MIRROR}|{','.join(sorted(base_packages()))}|steps={STEPS_VERSION}"
    return hash_text(settings)


def base_tag() -> str:
    return f"{IMAGE_REPOSITORY}/base:{short(base_hash())}"


def debootstrap_command(rootfs: Path, debootstrap: str) -> list[str]:
    return [debootstrap, f"--variant={VARIANT}", f"--include={','.join(base_packages())}", SUITE, str(rootfs), MIRROR]


def _require_debootstrap() -> str:
    """The installed debootstrap (in /usr/sbin, which is not on every PATH)."""
    debootstrap = system_program("debootstrap")
    if debootstrap is None:
        raise UserError("debootstrap is not installed (needed to build the offline base image)",
                        fix="run `bash scripts/install-docker.sh` or `apt-get install -y debootstrap`")
    if os.geteuid() != 0:
        raise UserError("building the base image needs root (debootstrap and chroot)",
                        fix="run `datastack images build` as root")
    return debootstrap


def ensure_base_image(client, progress: Progress = quiet) -> BaseImage:
    """Reuse `datastack/base:<hash>` if Docker has it; otherwise debootstrap, clean and import it."""
    from docker.errors import ImageNotFound

    tag, full = base_tag(), base_hash()
    try:
        client.images.get(tag)
        progress(f"base {tag}: reused (already built)")
        return BaseImage(tag, full, reused=True, seconds=0.0)
    except ImageNotFound:
        pass
    debootstrap = _require_debootstrap()
    docker_cli = require_docker_cli()
    started = time.monotonic()
    progress(f"base {tag}: debootstrap {SUITE} ({VARIANT}, {len(base_packages())} packages; about 90 s)")
    # /var/tmp, not /tmp: the rootfs is ~500 MB and /tmp may be a small tmpfs.
    rootfs = Path(tempfile.mkdtemp(prefix="datastack-rootfs-", dir="/var/tmp"))
    # debootstrap runs chroot, mount and dpkg by name: give it the system's directories, sbin included.
    env = {**os.environ, "PATH": SYSTEM_PATH, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        result = run_with_ticker(debootstrap_command(rootfs, debootstrap), label="debootstrap", progress=progress, env=env)
        if result.returncode != 0:
            raise RuntimeFailure(f"debootstrap failed (exit {result.returncode}): {tail(result.stdout)}",
                                 fix=f"check that {MIRROR} is reachable; rerun `datastack images build`")
        _slim(rootfs, env)
        progress(f"base {tag}: importing root filesystem into Docker")
        _import_rootfs(rootfs, tag, full, docker_cli)
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)
    seconds = time.monotonic() - started
    progress(f"base {tag}: built in {seconds:.0f} s")
    return BaseImage(tag, full, reused=False, seconds=seconds)


def _slim(rootfs: Path, env: dict[str, str]) -> None:
    """Drop the package cache and lists: recipes that install more run `apt-get update` themselves."""
    subprocess.run(["chroot", str(rootfs), "apt-get", "clean"], check=True, env=env, capture_output=True)
    for leftover in (rootfs / "var/lib/apt/lists").glob("*"):
        if leftover.is_file():
            leftover.unlink()


def _import_rootfs(rootfs: Path, tag: str, full_hash: str, docker_cli: str) -> None:
    """`tar -C ROOTFS -c . | docker import` — streamed, so the ~500 MB tarball never sits in memory."""
    tar = subprocess.Popen(["tar", "--numeric-owner", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    changes = [f"LABEL {HASH_LABEL}={full_hash}", f"LABEL {RECIPE_LABEL}=base", f"ENV PATH={DEFAULT_PATH}"]
    command = [docker_cli, "import"]
    for change in changes:
        command += ["--change", change]
    imported = subprocess.run([*command, "-", tag], stdin=tar.stdout, capture_output=True, text=True)
    assert tar.stdout is not None
    tar.stdout.close()
    tar.wait()
    if tar.returncode != 0 or imported.returncode != 0:
        raise RuntimeFailure(f"importing the base root filesystem failed: {tail(imported.stderr)}",
                             fix="check `docker info` and free disk space, then rerun `datastack images build`")
