"""Run the check suite in-process with pytest.main and a plugin that collects every result.

No pytest output reaches the terminal: the CLI prints its own summary from the collected results.
A check's message is its failure or skip reason without traceback (assertion messages only).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ..paths import CHECKS_DIR
from ..services import declared_services
from ..session import Session
from .results import CheckResult, SuiteResult, classify


class ResultCollector:
    """pytest plugin: one CheckResult per test, from setup/call/teardown reports."""

    def __init__(self, instances: frozenset[str] = frozenset()):
        self.instances = instances  # the declared instances: a check run for one is reported under its name
        self.results: dict[str, CheckResult] = {}
        self.collect_errors: list[str] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        report.datastack_message = _message(call.excinfo) if call.excinfo else ""

    def pytest_runtest_logreport(self, report):
        service, category = classify(report.nodeid, self.instances)
        latency = next((v for k, v in report.user_properties if k == "latency"), None)
        existing = self.results.get(report.nodeid)
        if report.when == "call" or (report.when == "setup" and not report.passed):
            outcome = "error" if report.when == "setup" and report.failed else report.outcome
            self.results[report.nodeid] = CheckResult(
                id=report.nodeid, service=service, category=category, outcome=outcome,
                duration_s=round(report.duration, 4), message=report.datastack_message, latency=latency)
        elif report.when == "teardown" and report.failed and existing is not None:
            existing.outcome, existing.message = "error", f"teardown: {report.datastack_message}"

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(f"{report.nodeid}: {str(report.longrepr).strip().splitlines()[-1]}")


def _message(excinfo) -> str:
    value = excinfo.value
    if isinstance(value, pytest.skip.Exception) or isinstance(value, pytest.fail.Exception):
        return str(value.msg)
    if isinstance(value, AssertionError):
        return str(value).split("\nassert ")[0].strip() or "assertion failed"
    text = str(value).strip().splitlines()
    return f"{type(value).__name__}: {text[0] if text else ''}"[:500]  # an unexpected error: one line, no traceback


def run_suite(session: Session, *, read_only: bool = False, samples: int | None = None,
              junit: Path | None = None, select: str | None = None, extra_args: list[str] | None = None) -> SuiteResult:
    brought = [str(s.checks_dir) for s in declared_services(session.spec) if s.checks_dir is not None]
    args = [str(CHECKS_DIR), *brought, "--rootdir", str(CHECKS_DIR), "-c", str(CHECKS_DIR / "pytest.ini"),
            "--datastack-spec", str(session.spec_path), "-p", "no:terminal", "-p", "no:cacheprovider"]
    if session.stack_outputs is not None:
        args += ["--datastack-from-stack", str(session.stack_outputs)]
    if read_only:
        args.append("--read-only")
    if samples:
        args += ["--samples", str(samples)]
    if junit:
        args += ["--junitxml", str(junit)]
    if select:
        args += ["-k", select]
    args += extra_args or []
    collector = ResultCollector(frozenset(session.spec.services.instances()))
    started = time.monotonic()
    code = pytest.main(args, plugins=[collector])
    result = SuiteResult(environment=session.spec.name, read_only=read_only, duration_s=time.monotonic() - started,
                         checks=list(collector.results.values()))
    for error in collector.collect_errors:
        result.checks.append(CheckResult(id=error.split(": ", 1)[0], service="suite", category="collection",
                                         outcome="error", duration_s=0, message=error))
    if code not in (0, 1, 5) and not collector.collect_errors:
        result.checks.append(CheckResult(id="pytest", service="suite", category="run", outcome="error", duration_s=0,
                                         message=f"pytest exited {int(code)} (usage or internal error)"))
    return result
