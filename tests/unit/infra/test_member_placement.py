"""prod with three Docker hosts (Pulumi.prod.yaml, datastack:mongodbHosts): one member on each host, through one
pulumi-docker provider per host, and an initiation config naming the three routable addresses."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest
import yaml

from datastack.paths import PROJECT_ROOT
from infra.components.placement import read_member_hosts
from tests.support.pulumi_mocks import MOCKS, declare_config, stack_config

PREFIX = "unit-spread-prod"  # not "unit-prod-...": MOCKS.named("unit-prod") would take it in


def prod_member_hosts():
    config = yaml.safe_load(Path(PROJECT_ROOT / "Pulumi.prod.yaml").read_text())["config"]
    return config["docker:host"], read_member_hosts(config["datastack:mongodbHosts"], 3, "prod")


@pytest.fixture(scope="module")
def spread():
    from datastack.spec import load_environment

    spec, _ = load_environment("prod", None)
    docker_host, hosts = prod_member_hosts()
    cfg = stack_config(spec, docker_host=docker_host)
    cfg.member_hosts.extend(hosts)
    return declare_config(cfg, PREFIX)[1], hosts


def test_one_member_per_host_through_one_provider_each(spread):
    resources, hosts = spread
    providers = {r.name: r.inputs["host"] for r in resources if r.type == "pulumi:providers:docker"}
    # The stack's own host (member 0's) keeps the default provider; the two others get one each.
    assert sorted(providers.values()) == ["ssh://deploy@prod-data-2.internal", "ssh://deploy@prod-data-3.internal"]
    members = sorted((r for r in resources if r.type.endswith("container:Container") and "-mongodb-mongodb-" in r.name),
                     key=lambda r: r.name)
    assert len(members) == 3
    by_provider = [MOCKS.providers.get(m.name) for m in members]
    assert by_provider[0] in (None, "default")
    assert [providers.get(p) for p in by_provider[1:]] == [h.docker_host for h in hosts[1:]]
    for member, host in zip(members, hosts):
        (port,) = member.inputs["ports"]
        assert port["ip"] == host.bind, "published on the host's declared interface, reachable by the other members"


def test_initiation_config_names_the_three_routable_addresses(spread):
    resources, hosts = spread
    (first_start,) = [r for r in resources if r.type == "command:local:Command" and r.parent == f"{PREFIX}-mongodb"]
    config = json.loads(first_start.inputs["stdin"].split("\n", 1)[0].removeprefix("const cfg = ").removesuffix(";"))
    members = config["replicaSet"]["members"]
    assert [m["host"] for m in members] == ["prod-data-1.internal:27017", "prod-data-2.internal:27018",
                                            "prod-data-3.internal:27019"]
    assert members[0]["priority"] > members[1]["priority"]
    assert first_start.inputs["environment"]["DOCKER_HOST"] == hosts[0].docker_host, "exec'd on member 0's host"


def test_endpoints_give_migrate_and_check_the_seed_list_and_the_set_name(spread):
    resources, _ = spread
    (migrate,) = [r for r in resources if r.type == "command:local:Command" and r.parent == f"{PREFIX}-reconcile"]
    mongo = json.loads(migrate.inputs["stdin"])["endpoints"]["mongodb"]
    assert mongo["replica_set"] == "rs0" and len(mongo["hosts"]) == 3


@pytest.mark.parametrize("raw, field", [
    ([{"dockerHost": "ssh://a", "address": "a", "bind": "10.0.0.1"}], "mongodbHosts —"),
    ([{"dockerHost": "ftp://a", "address": "a", "bind": "10.0.0.1"}] * 3, "[0].dockerHost"),
    ([{"dockerHost": "ssh://a", "address": "a b", "bind": "10.0.0.1"}] * 3, "[0].address"),
    ([{"dockerHost": "ssh://a", "address": "a", "bind": "everywhere"}] * 3, "[0].bind"),
    ([{"dockerHost": "ssh://a", "address": "a", "bind": "10.0.0.1", "extra": 1}] * 3, "[0] —"),
    ([{"dockerHost": "ssh://a", "address": "a", "bind": "10.0.0.1"}] * 3, "every member on one host"),
])
def test_bad_placement_is_one_line_naming_the_entry(raw, field):
    with pytest.raises(pulumi.RunError) as refused:
        read_member_hosts(raw, 3, "prod")
    message = str(refused.value)
    assert message.startswith("Pulumi.prod.yaml: datastack:mongodbHosts") and field in message and "fix:" in message
    assert "\n" not in message


def test_the_reconcile_step_reaches_the_remote_loopback_through_an_ssh_tunnel(spread):
    resources, _ = spread
    (migrate,) = [r for r in resources if r.type == "command:local:Command" and r.parent == f"{PREFIX}-reconcile"]
    create = migrate.inputs["create"]
    assert "-M -S" in create and "deploy@prod-data-1.internal" in create
    assert "-L 127.0.0.1:5432:127.0.0.1:5432" in create and "-L 127.0.0.1:6379:127.0.0.1:6379" in create
    assert ":27017:" not in create, "members spread over hosts are reached at their routable addresses"
    assert "migrate --env prod --from-stack /dev/stdin" in create and "-O exit" in create


def test_declared_twice_the_spread_set_has_identical_inputs(spread):
    from datastack.spec import load_environment

    resources, _ = spread
    spec, _ = load_environment("prod", None)
    docker_host, hosts = prod_member_hosts()
    cfg = stack_config(spec, docker_host=docker_host)
    cfg.member_hosts.extend(hosts)
    again = declare_config(cfg, "unit-spread-again-prod")[1]

    def shape(declared, prefix):
        return sorted((r.type, r.name.removeprefix(prefix), json.dumps(r.inputs, sort_keys=True).replace(f"{prefix}-", "~-"))
                      for r in declared)
    assert shape(resources, PREFIX) == shape(again, "unit-spread-again-prod")


def test_one_host_for_every_member_is_allowed_outside_prod_and_gives_a_seed_list():
    from datastack.spec import load_environment

    spec, _ = load_environment("staging", None)
    one = {"dockerHost": "ssh://deploy@staging-data-1.internal", "address": "staging-data-1.internal", "bind": "10.0.2.11"}
    hosts = read_member_hosts([one] * 3, 3, "staging")
    cfg = stack_config(spec, docker_host=one["dockerHost"])
    cfg.member_hosts.extend(hosts)
    resources = declare_config(cfg, "unit-onehost-staging")[1]
    assert not [r for r in resources if r.type == "pulumi:providers:docker"], "the stack's own host: default provider"
    (migrate,) = [r for r in resources if r.type == "command:local:Command" and r.parent == "unit-onehost-staging-reconcile"]
    mongo = json.loads(migrate.inputs["stdin"])["endpoints"]["mongodb"]
    assert mongo["hosts"] == ["staging-data-1.internal:27017", "staging-data-1.internal:27018", "staging-data-1.internal:27019"]
    assert mongo["replica_set"] == "rs0"
