"""Images the program cannot pull: datastack's own (`datastack/<recipe>:<hash>`, every offline recipe's) exist
only where `datastack images build` made them. The program checks the Docker host has each before declaring
anything, and stops with one line naming the command that builds it — instead of the provider trying to pull
`datastack/<recipe>` from a registry and failing deep inside the update. Official images are pulled (RemoteImage).
"""

from __future__ import annotations

from typing import Callable

import pulumi

BUILT_HERE = "datastack/"

ImagePresent = Callable[[str, str], bool]  # (docker host, image) -> present


def docker_image_present(docker_host: str, image: str) -> bool:
    import docker
    from docker.errors import DockerException, ImageNotFound

    try:
        client = docker.DockerClient(base_url=docker_host, use_ssh_client=docker_host.startswith("ssh://"))
    except DockerException as exc:
        raise pulumi.RunError(f"cannot reach the Docker host {docker_host} to look for {image}: {exc}") from None
    try:
        client.images.get(image)
        return True
    except ImageNotFound:
        return False
    finally:
        client.close()


def verify_built_images(images: list[str], docker_host: str, present: ImagePresent) -> None:
    for image in sorted(set(images)):
        if image.startswith(BUILT_HERE) and not present(docker_host, image):
            recipe = image.removeprefix(BUILT_HERE).split(":", 1)[0]
            raise pulumi.RunError(f"image {image} is not on the Docker host {docker_host}; build it there first: "
                                  f"DOCKER_HOST={docker_host} datastack images build --only {recipe}")
