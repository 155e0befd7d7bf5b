"""One cause, one line: a service that answered earlier in the run and then hangs is reported as having
stopped answering, whether a live connection or a new login met the hang first."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from checks.lib.connections import Connections


def connections() -> Connections:
    target = SimpleNamespace(spec=SimpleNamespace(checks=SimpleNamespace(timeout_s=2.0)), up_fix="datastack up --env ci",
                             command=lambda verb: f"datastack {verb} --env ci")
    return Connections(target)


def test_never_reached_is_unreachable():
    conns = connections()
    with pytest.raises(pytest.fail.Exception, match="is unreachable: timed out"):
        conns._mark_down("mongodb", "127.0.0.1:27017", "timed out")


def test_reached_earlier_then_timing_out_is_stopped_answering():
    conns = connections()
    conns._open[("mongodb", "bot_core_app", "pw")] = object()
    with pytest.raises(pytest.fail.Exception, match="stopped answering during the check: timed out") as failed:
        conns._mark_down("mongodb", "127.0.0.1:27017", "timed out")
    assert " — fix: " in str(failed.value) and "\n" not in str(failed.value)
    assert "'datastack status --env ci' and 'datastack logs --env ci mongodb'" in str(failed.value)
    assert conns.is_down("mongodb")
