"""`datastack check --prometheus FILE`: the node-exporter textfile format (text exposition 0.0.4).

Check results, latency percentiles, drift counts and revision-at-head per database, written atomically
(temporary file, then rename) because node-exporter may read the directory at any moment. Certificate
expiry has its family declared but no samples: no datastack spec configures TLS yet, so there is no
certificate to report, and a made-up value would be worse than none.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from .results import SuiteResult

DRIFT_CATEGORIES = {"drift", "structure", "seeds", "queries", "references"}
HEAD_CHECKS = ("test_migrations_at_head[", "test_alembic_at_head[")


def _label(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{k}="{_label(v)}"' for k, v in labels.items()) + "}"


def render_prometheus(result: SuiteResult, now: float | None = None) -> str:
    env = result.environment
    lines: list[str] = []

    def family(name: str, kind: str, help_text: str) -> None:
        lines.extend([f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"])

    family("datastack_check_ok", "gauge", "1 when every check passed or was skipped")
    lines.append(f"datastack_check_ok{_labels(environment=env)} {int(result.ok)}")
    family("datastack_check_run_timestamp_seconds", "gauge", "when the check run finished (Unix time)")
    lines.append(f"datastack_check_run_timestamp_seconds{_labels(environment=env)} {now or time.time():.3f}")
    family("datastack_check_run_duration_seconds", "gauge", "how long the check run took")
    lines.append(f"datastack_check_run_duration_seconds{_labels(environment=env)} {result.duration_s:.3f}")
    family("datastack_checks", "gauge", "checks per outcome")
    for outcome in ("passed", "failed", "skipped", "error"):
        lines.append(f"datastack_checks{_labels(environment=env, outcome=outcome)} {result.count(outcome)}")
    family("datastack_check_result", "gauge", "1 per check, labelled with its outcome")
    for c in result.checks:
        lines.append(f"datastack_check_result{_labels(environment=env, service=c.service, category=c.category, check=c.name, outcome=c.outcome)} 1")
    family("datastack_latency_milliseconds", "gauge", "latency probe percentiles (quantile 1 is the maximum)")
    family_budget = []
    for p in result.latency():
        for quantile, key in (("0.5", "p50"), ("0.95", "p95"), ("0.99", "p99"), ("1", "max")):
            lines.append(f"datastack_latency_milliseconds{_labels(environment=env, probe=p['probe'], quantile=quantile)} {p[key]:.6f}")
        family_budget.append(f"datastack_latency_budget_milliseconds{_labels(environment=env, probe=p['probe'], percentile=p['percentile'])} {p['budget_ms']:g}")
    family("datastack_latency_budget_milliseconds", "gauge", "the budget each probe's percentile is held to")
    lines += family_budget
    family("datastack_drift_failures", "gauge", "failed drift checks (structure, indexes, seeds, plans, references) per service")
    drift: dict[str, int] = {}
    for c in result.checks:
        if c.category in DRIFT_CATEGORIES:
            drift[c.service] = drift.get(c.service, 0) + (c.outcome in ("failed", "error"))
    lines += [f"datastack_drift_failures{_labels(environment=env, service=s)} {n}" for s, n in sorted(drift.items())]
    family("datastack_revision_at_head", "gauge", "1 when a database's migrations are at head, 0 when behind")
    for c in result.checks:
        if c.outcome in ("passed", "failed") and any(h in c.name for h in HEAD_CHECKS):
            database = c.name.split("[", 1)[1].rstrip("]")
            lines.append(f"datastack_revision_at_head{_labels(environment=env, service=c.service, database=database)} {int(c.outcome == 'passed')}")
    family("datastack_cert_expiry_timestamp_seconds", "gauge", "certificate expiry (Unix time); no sample while no TLS is configured")
    return "\n".join(lines) + "\n"


def write_prometheus(result: SuiteResult, path: Path) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(render_prometheus(result))
    temporary.chmod(0o644)
    os.replace(temporary, path)
