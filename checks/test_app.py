"""Applications: running as planned, and /health reporting every dependency up."""

from __future__ import annotations

import pytest

from checks.lib import health, http


def _planned(target, app):
    name = f"app-{app.name}"
    svc = next((s for s in target.services("app") if s.name == name), None)
    if svc is None:
        pytest.skip(f"app {app.name} is not in the plan")
    if app.name not in target.endpoints.apps:
        pytest.skip(f"the endpoints name no app {app.name}")
    return svc, target.endpoints.apps[app.name]


def test_app_runs_as_planned(target, hosts, app):
    svc, ep = _planned(target, app)
    host = hosts(ep.testinfra_host)
    health.assert_process_as_planned(host, svc, target)


def test_app_health_reports_dependencies_up(target, app):
    _, ep = _planned(target, app)
    url = ep.url + "/health"
    status, body = http.get(url, timeout_s=max(target.spec.checks.timeout_s, 5), up_fix=target.up_fix)
    deps = http.json_body(body).get("dependencies", {})
    down = [f"{name} ({d.get('error', 'down')})" for name, d in deps.items() if not d.get("up")]
    assert not down, f"app {app.name}: /health reports dependencies down: {'; '.join(down)} — fix: start them ('{target.up_fix}')"
    expected = {store for store in ("mongodb", "postgres", "redis") if getattr(app.uses, store) is not None}
    expected |= set(app.uses.instances or {})  # an instance it uses is a dependency of its own
    missing = sorted(expected - set(deps))
    assert not missing, f"app {app.name}: /health does not report {', '.join(missing)}, which it uses — fix: '{target.up_fix}'"
    assert status == 200, f"app {app.name}: {url} answered {status}, expected 200 — fix: read '{target.command('logs')} app-{app.name}'"
