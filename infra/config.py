"""Everything the program reads from outside, in one place: stack name -> environment spec, secrets, Docker host.

- The stack name is the environment name (`environments/<stack>.yaml`).
- `docker:host` (provider config, e.g. ssh://deploy@staging-data-1) says which Docker engine to drive;
  the default provider reads it, and it is echoed in the stack outputs.
- `datastack:images` (official | offline) overrides the spec's image choice.
- Secrets: `pulumi config set --secret datastack:<secret id> ...` (ids as in `datastack plan`, e.g.
  <service>.admin), else the spec's own reference (${env:...} / ${file:...}) resolved on the machine running Pulumi.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from datastack.plan import Plan, build_plan, state_dir_for
from datastack.plan.toolchain import Toolchain
from datastack.spec import EnvironmentSpec, SecretStore, load_environment

from .components.placement import MemberHost, member_hosts_from_config


@dataclass(frozen=True)
class StackConfig:
    stack: str
    spec: EnvironmentSpec
    secrets: dict[str, str]
    docker_host: str | None
    # (docker host, image) -> whether the host has it; checked for the images only `datastack images build` makes.
    image_present: Callable[[str, str], bool] | None = None
    # One Docker host per replica-set member (infra/components/placement.py); empty: all on docker_host.
    member_hosts: list[MemberHost] = field(default_factory=list)

    def plan(self) -> Plan:
        # Container plans never use host binaries; the toolchain only fills local-process fields.
        toolchain = Toolchain(python="python3")
        return build_plan(self.spec, toolchain, self.secrets, state_dir_for(self.spec), target="container")


def resolve_secrets(spec: EnvironmentSpec, configured: dict[str, str | None], spec_file: str) -> dict[str, str]:
    """Pulumi config secrets win; when any is missing, the spec's references are resolved for all of them."""
    values = {sid: value for sid, value in configured.items() if value}
    if len(values) < len(spec.secret_refs()):
        values = {**SecretStore(spec, state_dir_for(spec), spec_file).resolve_all(generate=True), **values}
    return values


def read_stack_config() -> StackConfig:
    import pulumi

    from .images import docker_image_present

    stack = pulumi.get_stack()
    spec, path = load_environment(stack, None)
    from datastack.tls import refuse_tls_on

    refuse_tls_on(spec, "pulumi", path)
    settings = pulumi.Config("datastack")
    images = settings.get("images")
    if images:
        spec = spec.model_copy(update={"images": images})
    configured = {sid: settings.get(sid) for sid, _ in spec.secret_refs()}
    member_hosts = member_hosts_from_config(settings, spec, stack)
    return StackConfig(stack=stack, spec=spec, secrets=resolve_secrets(spec, configured, str(path)),
                       docker_host=pulumi.Config("docker").get("host"), image_present=docker_image_present,
                       member_hosts=member_hosts)
