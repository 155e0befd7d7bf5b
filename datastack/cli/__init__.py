"""The `datastack` command line."""

from __future__ import annotations

import typer

from . import check, diff, init, lifecycle
from .migrate import migrate_app

app = typer.Typer(
    name="datastack",
    help="Provision, migrate and verify the data tier: every registered service (datastack plan lists them).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
lifecycle.register(app)
check.register(app)
diff.register(app)
init.register(app)
app.add_typer(migrate_app, name="migrate")


def _mount_optional() -> None:
    """Sub-commands from packages that may be absent in a trimmed install."""
    try:
        from ..images.cli import images_app

        app.add_typer(images_app, name="images", help="Build the offline container images.")
    except ImportError:
        pass


_mount_optional()


def main() -> None:
    app()
