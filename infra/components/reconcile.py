"""Reconcile: the stores' reconcilers (`datastack migrate`: users, roles, passwords, schema, seeds, Alembic, Redis
ACL) as one step of `pulumi up` — the same reconcilers every engine runs. Its failure fails the update, and it
re-runs only when the desired state changes: its trigger is a hash of the spec, the secrets and the migrations.

It runs on the machine running Pulumi and reaches the servers at the stack's endpoints (given on stdin, the
shape of `pulumi stack output --json`): directly for a local Docker engine; for an ssh:// one, through an SSH
tunnel to that host's loopback, open for the command's lifetime (infra/components/tunnel.py).
"""

from __future__ import annotations

import hashlib
import shlex
import sys
from dataclasses import dataclass

import pulumi
from pulumi_command import local

from datastack.paths import MIGRATIONS_DIR, PROJECT_ROOT
from datastack.spec import EnvironmentSpec

from .tunnel import loopback_ports, through_ssh_tunnel


def desired_state_hash(spec: EnvironmentSpec, secrets: dict[str, str]) -> str:
    """sha256 of everything migrate reconciles toward; kept as a Pulumi secret (it covers the passwords)."""
    digest = hashlib.sha256(spec.model_dump_json(by_alias=True).encode())
    for secret_id, value in sorted(secrets.items()):
        digest.update(f"\0secret:{secret_id}={value}".encode())
    for path in sorted(p for p in MIGRATIONS_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(f"\0file:{path.relative_to(PROJECT_ROOT)}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def secrets_by_variable(spec: EnvironmentSpec, secrets: dict[str, str]) -> dict[str, str]:
    """The values the program resolved (Pulumi config secrets included), under the variables the spec's
    `${env:NAME}` references name: migrate then resolves exactly what the containers were given."""
    from datastack.spec.common import SECRET_REF

    found = {}
    for secret_id, ref in spec.secret_refs():
        match = SECRET_REF.match(ref)
        if match and match.group(1) == "env" and secret_id in secrets:
            found[match.group(2)] = secrets[secret_id]
    return found


def migrate_command(stack: str) -> str:
    # The interpreter running the program has datastack installed (Pulumi.yaml); endpoints arrive on stdin.
    return shlex.join([sys.executable, "-m", "datastack.cli", "migrate", "--env", stack, "--from-stack", "/dev/stdin"])


@dataclass
class ReconcileArgs:
    spec: EnvironmentSpec
    secrets: dict[str, str]
    endpoints: dict  # the stack's `endpoints` output (may hold Outputs)
    after: list[pulumi.Resource]  # every server up and every first start done
    docker_host: str = "unix:///var/run/docker.sock"  # ssh://...: migrate runs through a tunnel to its loopback


class Reconcile(pulumi.ComponentResource):
    def __init__(self, name: str, args: ReconcileArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("datastack:index:Reconcile", name, None, opts)
        self.command = local.Command(
            f"{name}-migrate",
            create=through_ssh_tunnel(migrate_command(args.spec.name), args.docker_host, loopback_ports(args.endpoints)),
            dir=str(PROJECT_ROOT),
            stdin=pulumi.Output.json_dumps({"endpoints": args.endpoints}),
            environment=pulumi.Output.secret(secrets_by_variable(args.spec, args.secrets)),
            triggers=[pulumi.Output.secret(desired_state_hash(args.spec, args.secrets))],
            opts=pulumi.ResourceOptions(parent=self, depends_on=args.after),
        )
        self.register_outputs({"command": self.command.create})
