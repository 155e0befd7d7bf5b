"""The `datastack` command line."""

from __future__ import annotations

import os
import sys

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
    """Run one command, then leave without the interpreter's teardown (see `exit_now`)."""
    try:
        app()
    except SystemExit as done:
        exit_now(done.code)
    exit_now(0)


def exit_now(code) -> None:
    """Exit as `sys.exit(code)` would, minus tearing down every module and object one by one: ~0.15 s of a
    short command here. atexit handlers still run (the drivers', logging's), the standard streams are flushed,
    and child processes are not affected; commands leave no thread of their own running. Under a profiler
    or tracer (cProfile, coverage, a debugger) it is a normal exit, so they can write their results."""
    import atexit

    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or debugger writes its results after the program: leave normally
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): printed on stderr, status 1
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing left to deliver
            status = status or 1
    os._exit(status)
