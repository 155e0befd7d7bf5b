"""Render a page in headless Chromium (Debian's package, started by its installed path) and report what
its console printed. Chromium logs every console message and uncaught error as an INFO:CONSOLE line."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("DATASTACK_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))


def render(page: Path, screenshot: Path, *, width: int = 1280, height: int = 2400) -> list[str]:
    """Screenshot `page`; returns the console lines (empty when the page logged nothing)."""
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="datastack-chromium-") as profile:
        done = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
             f"--user-data-dir={profile}", f"--screenshot={screenshot}", f"--window-size={width},{height}",
             page.resolve().as_uri()],
            capture_output=True, text=True, timeout=120)
    if not screenshot.is_file():
        raise AssertionError(f"chromium wrote no screenshot (exit {done.returncode}): {done.stderr[-2000:]}")
    return [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
