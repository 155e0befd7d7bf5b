"""The HTML page escapes every piece of user text; the Prometheus file parses with prometheus_client's parser."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from datastack.check.design import Design
from datastack.check.html_report import render_html
from datastack.check.prometheus import render_prometheus
from datastack.check.results import CheckResult, SuiteResult

HOSTILE = '<script>alert("x")</script> & "quoted"\nsecond line \\ back'


def suite() -> SuiteResult:
    latency = {"probe": "mongodb ping", "samples": 4, "p50": 0.2, "p95": 0.3, "p99": 0.4, "max": 0.9, "budget_ms": 2.0,
               "percentile": "p99", "histogram": [[0.1, 0], [0.2, 2], [0.5, 1], [1, 1], [None, 0]]}
    return SuiteResult(environment="local", read_only=False, duration_s=1.5, checks=[
        CheckResult(id=f"checks/test_mongodb_seeds.py::test_seed[{HOSTILE}]", service="mongodb", category="seeds",
                    outcome="failed", duration_s=0.1, message=f"{HOSTILE} — fix: datastack migrate <now>"),
        CheckResult(id="checks/test_mongodb_drift.py::test_migrations_at_head[bot_core]", service="mongodb", category="drift",
                    outcome="passed", duration_s=0.1),
        CheckResult(id="checks/test_mongodb_latency.py::test_ping", service="mongodb", category="latency",
                    outcome="passed", duration_s=0.1, latency=latency),
    ])


def test_html_escapes_check_text_and_design():
    page = render_html(suite(), Design(users=[("redis", "<b>evil</b>", "app")]))
    assert "<script" not in page and "<b>evil" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page and "&lt;b&gt;evil&lt;/b&gt;" in page
    assert "datastack migrate &lt;now&gt;" in page and "FAIL: 1 passed" not in page and "FAIL: 2 passed, 1 failed" in page


def test_prometheus_textfile_parses_and_keeps_hostile_labels():
    families = {f.name: f for f in text_string_to_metric_families(render_prometheus(suite(), now=1.0))}
    assert families["datastack_check_ok"].samples[0].value == 0
    checks = {s.labels["check"]: s.labels["outcome"] for s in families["datastack_check_result"].samples}
    assert checks[f"test_seed[{HOSTILE}]"] == "failed"
    p99 = [s for s in families["datastack_latency_milliseconds"].samples if s.labels["quantile"] == "0.99"]
    assert p99[0].value == 0.4 and families["datastack_latency_budget_milliseconds"].samples[0].value == 2
    assert families["datastack_revision_at_head"].samples[0].labels["database"] == "bot_core"
    assert families["datastack_drift_failures"].samples[0].value == 1
    assert families["datastack_cert_expiry_timestamp_seconds"].samples == []
