"""`datastack images build|list` — mounted by datastack/cli as the `images` sub-command."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Optional

import typer
from rich.table import Table

from datastack.cli.common import JsonOption, console, handle_errors, print_json, say

images_app = typer.Typer(
    help="Build the offline container images (debootstrap base + recipes in images/), reusing unchanged ones.",
    no_args_is_help=True,
)


@images_app.command("build")
@handle_errors
def build_command(
    only: Annotated[Optional[list[str]], typer.Option("--only", help="build just this recipe (repeatable)")] = None,
    as_json: JsonOption = False,
) -> None:
    """Build or reuse the base and every recipe's image, tagged datastack/<name>:<recipe-hash>."""
    from datastack.images.build import build_images, select_recipes
    from datastack.images.docker_client import connect_docker

    select_recipes(only)  # an unknown name fails before connecting to anything
    base, built = build_images(connect_docker(), only, progress=say)
    if as_json:
        print_json({"base": asdict(base), "images": [asdict(image) for image in built]})
        return
    table = Table("image", "result", "seconds", "size")
    table.add_column("tag", no_wrap=True)  # why: a truncated tag is useless to copy
    table.add_row("base", "reused" if base.reused else "built", f"{base.seconds:.0f}", "", base.tag)
    for image in built:
        table.add_row(image.name, "reused" if image.reused else "built", f"{image.seconds:.0f}",
                      f"{image.size_bytes / 1e6:.0f} MB", image.tag)
    console.print(table)


@images_app.command("list")
@handle_errors
def list_command(as_json: JsonOption = False) -> None:
    """Show the tag each recipe's current files name, whether Docker has it, and stale older builds."""
    from datastack.images.docker_client import connect_docker
    from datastack.images.inventory import image_inventory

    statuses = image_inventory(connect_docker())
    if as_json:
        print_json([asdict(status) for status in statuses])
        return
    table = Table("image", "present", "size")
    table.add_column("tag", no_wrap=True)
    table.add_column("stale tags")
    for s in statuses:
        table.add_row(s.name, "yes" if s.present else "[yellow]no[/]", f"{s.size_bytes / 1e6:.0f} MB" if s.present else "",
                      s.tag, ", ".join(s.stale_tags))
    if not all(s.present for s in statuses):
        console.print("missing images: run `datastack images build`")
    console.print(table)
