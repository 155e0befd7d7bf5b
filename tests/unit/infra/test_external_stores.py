"""The Pulumi program with external stores: nothing is created for them, and the reconcile step (migrate) reaches
them where the spec declares them, like every engine."""

from __future__ import annotations

import json

from tests.support.pulumi_mocks import declare_config, stack_config  # first: installs the mocks before infra
from tests.support.external import dev_with_external_stores


def test_external_stores_get_no_resources_and_reconcile_reaches_them_as_declared():
    spec = dev_with_external_stores()
    made, declared = declare_config(stack_config(spec), "unit-external")
    assert not {"mongodb", "postgres", "redis"} & set(made)
    containers = [r.inputs["name"] for r in declared if r.type.endswith("container:Container")]
    assert not [c for c in containers if any(store in c for store in ("mongodb", "postgres", "redis"))], containers
    (reconcile,) = [r for r in declared if r.type.endswith("Command") and r.parent == "unit-external-reconcile"]
    endpoints = json.loads(reconcile.inputs["stdin"])["endpoints"]
    assert endpoints["mongodb"]["hosts"] == ["db-0.example.net:27017", "db-1.example.net:27017"]
    assert endpoints["mongodb"]["replica_set"] == "atlas-x1" and endpoints["mongodb"]["external"] is True
    assert (endpoints["postgres"]["host"], endpoints["postgres"]["port"]) == ("pg.example.net", 5432)
    assert (endpoints["redis"]["host"], endpoints["redis"]["port"], endpoints["redis"]["external"]) == ("10.1.2.3", 6380, True)
