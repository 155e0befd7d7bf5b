"""run_with_ticker: a command with a time limit runs in its own process group, and nothing of that group outlives
the call (limit, normal exit, SIGTERM to us); a command without one stays in our group, so Ctrl-C reaches it."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from datastack.images.progress import Terminated, run_with_ticker


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def leaves_a_child(pid_file) -> list[str]:
    """A shell that starts a long child (as npm starts workers), records its pid and exits at once."""
    return ["/bin/sh", "-c", f"sleep 300 & echo $! > {pid_file}; echo started"]


def test_children_left_behind_by_a_finished_command_are_stopped(tmp_path):
    pid_file = tmp_path / "child.pid"
    started = time.monotonic()
    result = run_with_ticker(leaves_a_child(pid_file), label="t", progress=lambda _: None, limit_s=60)
    assert result.returncode == 0 and not result.timed_out and result.stdout == "started"
    assert time.monotonic() - started < 4, "waited on the orphan's open stdout"
    assert not alive(int(pid_file.read_text()))


def test_a_command_past_its_limit_is_stopped_and_says_so(tmp_path):
    ticks: list[str] = []
    result = run_with_ticker(["/bin/sh", "-c", "echo working; sleep 300"], label="t", progress=ticks.append,
                             every_s=0.2, limit_s=1)
    assert result.timed_out and result.stdout == "working"
    assert ticks and "t:" in ticks[0] and "(working)" in ticks[0], "the ticker must still report progress"


def test_sigterm_to_us_stops_the_group_and_unwinds_like_an_interrupt(tmp_path):
    pid_file = tmp_path / "child.pid"
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    before = signal.getsignal(signal.SIGTERM)
    timer.start()
    with pytest.raises(Terminated):
        run_with_ticker(["/bin/sh", "-c", f"sleep 300 & echo $! > {pid_file}; wait"], label="t",
                        progress=lambda _: None, limit_s=60)
    assert not alive(int(pid_file.read_text()))
    assert signal.getsignal(signal.SIGTERM) is before, "the handler must be put back"


def test_without_a_limit_the_command_stays_in_our_process_group():
    """debootstrap must get the terminal's Ctrl-C itself: its trap unmounts /proc and /sys from the rootfs."""
    result = run_with_ticker(["/bin/cat", "/proc/self/stat"], label="t", progress=lambda _: None)
    pgid = int(result.stdout.rsplit(")", 1)[1].split()[2])
    assert pgid == os.getpgrp()
