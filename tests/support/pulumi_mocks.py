"""Pulumi unit-test mocks, installed once per process (they are global), and a recorder of declared resources.

Import this module before anything under infra/: `set_mocks` must come before the program is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi


@dataclass
class Declared:
    type: str
    name: str
    inputs: dict  # camelCase keys, as the engine would receive them
    secret_inputs: frozenset = frozenset()  # inputs (camelCase) that arrived as Pulumi secrets
    parent: str = ""  # the parent's resource name ("" for the stack)
    depends_on: tuple[str, ...] = ()  # names of explicit dependencies


SECRET_SIG = "4dabf18193072939515e22adb298388d"  # Pulumi's marker for a secret value on the wire


def _is_secret(value) -> bool:
    return isinstance(value, dict) and SECRET_SIG in value


def _unwrap(value):
    if _is_secret(value):
        return _unwrap(value["value"])
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.declared: list[Declared] = []
        self.links: dict[str, tuple[str, tuple[str, ...]]] = {}  # name -> (parent, dependencies), from the monitor
        self.providers: dict[str, str | None] = {}  # name -> the explicit provider's resource name (None: default)

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        secret = frozenset(k for k, v in args.inputs.items() if _is_secret(v))
        # A provider reference is "<urn>::<id>"; the URN ends with the provider's name.
        provider = args.provider.rsplit("::", 2)[-2] if args.provider else None
        self.providers[args.name] = None if provider in (None, "default") or "default_" in (provider or "") else provider
        self.declared.append(Declared(args.typ, args.name, {k: _unwrap(v) for k, v in args.inputs.items()}, secret))
        outputs = dict(args.inputs)
        if args.typ == "docker:index/remoteImage:RemoteImage":
            outputs["imageId"] = f"sha256:{args.name}"
        return [f"{args.name}-id", outputs]

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}

    def named(self, prefix: str) -> list[Declared]:
        chosen = [d for d in self.declared if d.name.startswith(f"{prefix}-")]
        for d in chosen:
            d.parent, d.depends_on = self.links.get(d.name, ("", ()))
        return chosen


class RecordingMonitor(pulumi.runtime.mocks.MockMonitor):
    """Also records each registration's parent and dependencies, which MockResourceArgs leaves out."""

    def RegisterResource(self, request):  # noqa: N802 (gRPC naming)
        # A URN ends with '<type chain>::<name>'; the stack itself is nobody's parent worth naming.
        parts = request.parent.split("::") if request.parent else []
        parent = "" if not parts or parts[-2].endswith("pulumi:pulumi:Stack") else parts[-1]
        self.mocks.links[request.name] = (parent, tuple(urn.rsplit("::", 1)[-1] for urn in request.dependencies))
        return super().RegisterResource(request)


MOCKS = RecordingMocks()
pulumi.runtime.set_mocks(MOCKS, project="datastack", stack="unit", preview=False, monitor=RecordingMonitor(MOCKS))


def fake_secrets(spec) -> dict[str, str]:
    """A recognisable value per secret id (hex-safe, like generated ones)."""
    return {sid: f"s3cr3t{index:02d}" + "ab" * 8 for index, (sid, _) in enumerate(spec.secret_refs())}


def stack_config(spec, secrets=None, docker_host: str | None = None, image_present=lambda host, image: True):
    from infra.config import StackConfig

    return StackConfig(stack=spec.name, spec=spec, secrets=secrets or fake_secrets(spec), docker_host=docker_host,
                       image_present=image_present)


def children_of(resource) -> set:
    return set(getattr(resource, "_childResources", set()))


def declare_config(cfg, prefix: str) -> tuple[dict, list[Declared]]:
    """Run the program for one stack config under the mocks: its components, and what it declared."""
    from infra.program import declare_environment

    made: dict = {}

    @pulumi.runtime.test
    def declare():
        made.update(declare_environment(cfg, prefix=prefix))
        # Wait for every component's URN so all registrations have reached the mocks.
        return pulumi.Output.all(*[c.urn for c in made.values()])

    declare()
    return made, MOCKS.named(prefix)
