"""mongo-express: running as planned, behind basic auth (401 without it, 200 with it)."""

from __future__ import annotations

import pytest

from checks.lib import health, http


@pytest.fixture(scope="module")
def express(target):
    me = target.spec.services.mongo_express
    if me is None or not me.enabled:
        pytest.skip("this environment declares no mongo-express")
    planned = target.services("mongo_express")
    if not planned:
        notes = "; ".join(n for n in target.plan.notes if "mongo-express" in n) or "not in the plan"
        pytest.skip(f"mongo-express is not run here: {notes}")
    if target.endpoints.mongo_express is None:
        pytest.skip("the endpoints name no mongo-express")
    return planned[0]


def test_mongo_express_runs_as_planned(target, express, hosts):
    host = hosts(target.endpoints.mongo_express.testinfra_host)
    health.assert_process_as_planned(host, express, target)


def test_mongo_express_requires_basic_auth(target, express):
    me = target.spec.services.mongo_express
    url = target.endpoints.mongo_express.url + "/"
    status, _ = http.get(url, timeout_s=target.spec.checks.timeout_s, up_fix=target.up_fix)
    if me.basic_auth is None:
        pytest.fail(f"mongo-express at {url} is declared without basic auth: anyone on the network can browse the "
                    "database — fix: declare services.mongo_express.basic_auth", pytrace=False)
    assert status == 401, f"mongo-express at {url} answered {status} without credentials, expected 401 — fix: '{target.up_fix}'"


def test_mongo_express_accepts_its_credentials(target, express):
    me = target.spec.services.mongo_express
    if me.basic_auth is None:
        pytest.skip("no basic auth declared")
    target.require_admin("the mongo-express login")
    url = target.endpoints.mongo_express.url + "/"
    status, _ = http.get(url, timeout_s=target.spec.checks.timeout_s, up_fix=target.up_fix,
                         auth=(me.basic_auth.name, target.secrets()[me.basic_auth_secret_id]))
    assert status == 200, f"mongo-express at {url} answered {status} with its credentials, expected 200 — fix: read 'datastack logs mongo_express'"
