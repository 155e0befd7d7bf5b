"""What `datastack images list` shows: for the base and each recipe, the tag its current files name,
whether Docker has it, and older builds of the same recipe (stale tags) that could be removed."""

from __future__ import annotations

from dataclasses import dataclass

from datastack.images.base import base_hash, base_tag
from datastack.images.recipes import all_recipes, image_tag


@dataclass(frozen=True)
class ImageStatus:
    name: str
    tag: str
    present: bool
    size_bytes: int
    created: str
    stale_tags: tuple[str, ...]


def _status(client, name: str, tag: str) -> ImageStatus:
    repository = tag.split(":")[0]
    found = {t: image for image in client.images.list(name=repository) for t in image.tags}
    image = found.get(tag)
    stale = tuple(sorted(t for t in found if t != tag))
    return ImageStatus(name, tag, image is not None, image.attrs.get("Size", 0) if image else 0,
                       (image.attrs.get("Created", "") or "")[:19] if image else "", stale)


def image_inventory(client) -> list[ImageStatus]:
    statuses = [_status(client, "base", base_tag())]
    statuses += [_status(client, recipe.name, image_tag(recipe, base_hash())) for recipe in all_recipes()]
    return statuses
