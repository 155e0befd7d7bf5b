"""Every image the plan names must be present or pullable before anything is created."""

from __future__ import annotations

from ...errors import UserError
from ...plan.definitions import ContainerDefinition


def ensure_images(client, definitions: list[ContainerDefinition], say) -> None:
    from docker.errors import APIError, ImageNotFound

    for image in dict.fromkeys(d.image for d in definitions):
        try:
            client.images.get(image)
            continue
        except ImageNotFound:
            pass
        if image.startswith("datastack/"):
            raise UserError(f"offline image {image} is not built", fix="run 'datastack images build'")
        say(f"pulling {image}")
        try:
            client.images.pull(image)
        except APIError as exc:
            cause = (exc.explanation or str(exc)).splitlines()[0][:120]
            raise UserError(f"image {image} is neither present nor pullable ({cause})",
                            fix="set 'images: offline' in the spec and run 'datastack images build', or make a registry reachable") from None
