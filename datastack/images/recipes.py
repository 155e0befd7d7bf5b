"""The image recipes: one folder per image under `images/` at the project root, plus any extra context.

A recipe's build context is exactly the files it hashes (see `context_files`), so the hash names what
the image was built from: the Dockerfile, every file it may COPY, and the base image's hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from datastack import paths
from datastack.errors import UserError
from datastack.images.hashing import hash_files, short

RECIPES_DIR = paths.PROJECT_ROOT / "images"
IMAGE_REPOSITORY = "datastack"
# Label carrying the full recipe hash on every image we build (the tag carries its short form).
HASH_LABEL = "io.datastack.recipe-hash"
RECIPE_LABEL = "io.datastack.recipe"

# Files that never belong in a build context (editor and interpreter droppings).
_IGNORED_NAMES = {"__pycache__", ".pytest_cache", ".mypy_cache", ".DS_Store", "node_modules"}
_IGNORED_SUFFIXES = {".pyc", ".pyo", ".swp"}


@dataclass(frozen=True)
class Recipe:
    name: str
    description: str
    # Extra folders copied into the context: context sub-path -> source folder (e.g. a service's own code).
    extra_context: dict[str, Path] = field(default_factory=dict)

    @property
    def directory(self) -> Path:
        return RECIPES_DIR / self.name

    @property
    def repository(self) -> str:
        return f"{IMAGE_REPOSITORY}/{self.name}"


def all_recipes() -> list[Recipe]:
    """Every registered service's recipes (`Service.image_recipes`), in registry order."""
    from datastack.services import registered_services

    return [recipe for service in registered_services() for recipe in service.image_recipes]


def recipe_named(name: str) -> Recipe:
    for recipe in all_recipes():
        if recipe.name == name:
            return recipe
    known = ", ".join(r.name for r in all_recipes())
    raise UserError(f"unknown image recipe {name!r}", where="--only", fix=f"use one of: {known}")


def _walk(folder: Path, prefix: str) -> dict[str, Path]:
    files: dict[str, Path] = {}
    if not folder.is_dir():
        return files
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part in _IGNORED_NAMES for part in relative.parts) or path.suffix in _IGNORED_SUFFIXES:
            continue
        if path.is_file():
            files[f"{prefix}{relative.as_posix()}"] = path
    return files


def context_files(recipe: Recipe) -> dict[str, Path]:
    """Every file of the build context, by its path inside the context."""
    if not (recipe.directory / "Dockerfile").is_file():
        raise UserError(f"image recipe {recipe.name!r} has no Dockerfile",
                        where=paths.display(recipe.directory), fix="restore images/<name>/Dockerfile")
    files = _walk(recipe.directory, "")
    for context_path, source in recipe.extra_context.items():
        files.update(_walk(source, f"{context_path}/"))
    return files


def recipe_hash(recipe: Recipe, base_hash: str) -> str:
    """Full sha256 of the recipe's context files and the base image's hash."""
    return hash_files(context_files(recipe), parent_hash=base_hash)


def image_tag(recipe: Recipe, base_hash: str) -> str:
    return f"{recipe.repository}:{short(recipe_hash(recipe, base_hash))}"
