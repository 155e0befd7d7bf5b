"""infra/config.py reading a stack's real configuration (Pulumi.prod.yaml as the CLI would hand it over):
the member placement is parsed and validated, secrets come from config, and the stack name picks the spec."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest
import yaml

from datastack.paths import PROJECT_ROOT
from tests.support.pulumi_mocks import fake_secrets


@pytest.fixture
def prod_config(monkeypatch):
    from datastack.spec import load_environment

    spec, _ = load_environment("prod", None)
    stack_file = yaml.safe_load(Path(PROJECT_ROOT / "Pulumi.prod.yaml").read_text())["config"]
    # The CLI hands structured values over as JSON strings, and config secrets by their key.
    config = {key: json.dumps(value) if not isinstance(value, str) else value for key, value in stack_file.items()}
    config.update({f"datastack:{sid}": value for sid, value in fake_secrets(spec).items()})
    monkeypatch.setattr(pulumi, "get_stack", lambda: "prod")
    pulumi.runtime.set_all_config(config)
    yield config
    pulumi.runtime.set_all_config({})


def test_prod_reads_three_member_hosts_and_its_docker_host(prod_config):
    from infra.config import read_stack_config

    cfg = read_stack_config()
    assert cfg.stack == "prod" and cfg.docker_host == "ssh://deploy@prod-data-1.internal"
    assert [h.address for h in cfg.member_hosts] == ["prod-data-1.internal", "prod-data-2.internal", "prod-data-3.internal"]
    assert cfg.secrets["mongodb.admin"] == prod_config["datastack:mongodb.admin"]
    assert cfg.image_present is not None, "images datastack builds are looked up on the real host"


def test_a_bad_placement_in_the_stack_file_stops_the_program_in_one_line(prod_config):
    from infra.config import read_stack_config

    hosts = json.loads(prod_config["datastack:mongodbHosts"])
    hosts[2]["bind"] = "0.0.0.0/0"
    pulumi.runtime.set_all_config({**prod_config, "datastack:mongodbHosts": json.dumps(hosts)})
    with pytest.raises(pulumi.RunError, match=r"^Pulumi.prod.yaml: datastack:mongodbHosts\[2\].bind: not an IP address"):
        read_stack_config()


def test_a_tls_block_stops_the_program_in_one_line(prod_config, monkeypatch):
    """Until containers serve TLS, `pulumi up` must not run a store in plaintext that the spec wants in TLS."""
    import infra.config
    from datastack.errors import UserError
    from datastack.spec import load_environment
    from datastack.spec.tls import TlsSpec

    spec, path = load_environment("prod", None)
    redis = spec.services.redis.model_copy(update={"tls": TlsSpec()})
    with_tls = spec.model_copy(update={"services": spec.services.model_copy(update={"redis": redis})})
    monkeypatch.setattr(infra.config, "load_environment", lambda stack, _: (with_tls, path))
    with pytest.raises(UserError) as caught:
        infra.config.read_stack_config()
    line = caught.value.one_line()
    assert "services.redis.tls: the pulumi engine does not serve TLS yet" in line and "\n" not in line
