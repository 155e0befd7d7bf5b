"""Build or reuse every offline image: the base first, then each recipe FROM it, tagged by content hash."""

from __future__ import annotations

import io
import re
import tarfile
import time
from collections.abc import Sequence
from dataclasses import dataclass

from datastack.errors import RuntimeFailure
from datastack.images.base import BaseImage, ensure_base_image
from datastack.images.hashing import short
from datastack.images.progress import Progress, quiet
from datastack.images.trust import BUILD_CA_CONTEXT_NAME, build_ca_bundle
from datastack.images.recipes import (
    HASH_LABEL,
    RECIPE_LABEL,
    all_recipes,
    Recipe,
    context_files,
    recipe_hash,
    recipe_named,
)


# Lines from inside long RUN steps worth showing (npm and pip are otherwise silent for a minute).
_NOTABLE_OUTPUT = re.compile(r"^(added \d+ packages|Successfully installed|built \d+ bundles|\S+ .* installed)")


@dataclass(frozen=True)
class BuiltImage:
    name: str
    tag: str
    full_hash: str
    reused: bool
    seconds: float
    size_bytes: int


def image_exists(client, tag: str) -> bool:
    from docker.errors import ImageNotFound

    try:
        client.images.get(tag)
        return True
    except ImageNotFound:
        return False


def build_context(recipe: Recipe) -> io.BytesIO:
    """The recipe's context as a tar: the hashed files with fixed owner and mtime, plus the build CA bundle."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        ca_bundle = build_ca_bundle()
        ca_info = tarfile.TarInfo(BUILD_CA_CONTEXT_NAME)
        ca_info.size, ca_info.mode = len(ca_bundle), 0o644
        tar.addfile(ca_info, io.BytesIO(ca_bundle))
        for name, path in sorted(context_files(recipe).items()):
            info = tar.gettarinfo(str(path), arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = 0  # why: the same files give the same context bytes
            with path.open("rb") as handle:
                tar.addfile(info, handle)
    buffer.seek(0)
    return buffer


def ensure_recipe_image(client, recipe: Recipe, base: BaseImage, progress: Progress = quiet) -> BuiltImage:
    full = recipe_hash(recipe, base.full_hash)
    tag = f"{recipe.repository}:{short(full)}"
    if image_exists(client, tag):
        progress(f"{recipe.name} {tag}: reused (recipe unchanged)")
        return BuiltImage(recipe.name, tag, full, True, 0.0, client.images.get(tag).attrs.get("Size", 0))
    progress(f"{recipe.name} {tag}: building")
    started = time.monotonic()
    _docker_build(client, recipe, tag, full, base, progress)
    seconds = time.monotonic() - started
    size = client.images.get(tag).attrs.get("Size", 0)
    progress(f"{recipe.name} {tag}: built in {seconds:.0f} s ({size / 1e6:.0f} MB)")
    return BuiltImage(recipe.name, tag, full, False, seconds, size)


def _docker_build(client, recipe: Recipe, tag: str, full: str, base: BaseImage, progress: Progress) -> None:
    from docker.errors import APIError

    recent: list[str] = []
    try:
        stream = client.api.build(
            fileobj=build_context(recipe), custom_context=True, tag=tag, buildargs={"BASE": base.tag},
            labels={HASH_LABEL: full, RECIPE_LABEL: recipe.name, "io.datastack.base": base.tag},
            rm=True, forcerm=True, pull=False, decode=True,
        )
        for chunk in stream:
            if "error" in chunk:
                raise RuntimeFailure(
                    f"building image {recipe.name} failed: {chunk['error'].strip()} (last output: "
                    f"{' | '.join(recent[-3:])})",
                    where=f"images/{recipe.name}/Dockerfile", fix="fix the recipe, then rerun `datastack images build`")
            for line in chunk.get("stream", "").splitlines():
                if line.strip():
                    recent.append(line.strip()[:160])
                    if line.startswith("Step ") or _NOTABLE_OUTPUT.match(line.strip()):
                        progress(f"  {recipe.name}: {line.strip()[:120]}")
    except APIError as exc:
        raise RuntimeFailure(f"building image {recipe.name} failed: {exc.explanation or exc}",
                             where=f"images/{recipe.name}/Dockerfile", fix="check `docker info`, then rerun") from None


def select_recipes(only: Sequence[str] | None) -> list[Recipe]:
    return [recipe_named(name) for name in only] if only else all_recipes()


def build_images(client, only: Sequence[str] | None = None, progress: Progress = quiet) -> tuple[BaseImage, list[BuiltImage]]:
    """Ensure the base, then each selected recipe; every unchanged image is reused, not rebuilt."""
    recipes = select_recipes(only)  # validate names before a minute of debootstrap
    base = ensure_base_image(client, progress)
    return base, [ensure_recipe_image(client, recipe, base, progress) for recipe in recipes]
