"""The one small protocol every service registers behind (see roles/registry.py).

The generic pipeline — plan builder, engines, `migrate`, `uri` — iterates the registry and calls these
hooks; it never names a service. A service's whole story lives in `roles/<service>/`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from .check.design import Design
    from .endpoints import Endpoints
    from .migrate.report import MigrateOptions, StoreReport
    from .images.recipes import Recipe
    from .plan.addresses import AddressScope
    from .plan.containers import ContainerConventions
    from .plan.context import PlanContext
    from .plan.definitions import JobDefinition
    from .plan.model import BootstrapStep, Plan, Probe, ServicePlan
    from .spec import EnvironmentSpec

Secrets = dict[str, str]


@dataclass(frozen=True)
class Store:
    """A data store: the one reconciler that owns its users, roles and passwords (after the first administrator)."""

    # Bring the live store to the spec (dry_run: only list the changes); every engine and `migrate` run it.
    migrate: Callable[["EnvironmentSpec", "Endpoints", Secrets, "MigrateOptions"], "list[StoreReport]"]
    # What a migrate would change, and revisions; never writes.
    status: Callable[["EnvironmentSpec", "Endpoints", Secrets], "list[StoreReport]"]
    # A connection URI with credentials (`datastack uri`); user None means the administrator.
    uri: Callable[["EnvironmentSpec", "Endpoints", Secrets, "str | None"], str]
    # Users, roles and passwords only: what every engine runs once the store (re)started.
    reconcile_logins: Callable[["EnvironmentSpec", "Endpoints", Secrets, "MigrateOptions"], "list[StoreReport]"]
    # `datastack migrate down --store NAME`: roll one database back to a revision (None: not supported).
    roll_back: Callable[["EnvironmentSpec", "Endpoints", Secrets, str, str, "MigrateOptions"], "StoreReport"] | None = None
    # `datastack diff`: its design read as plain data (reads only), and the comparison of two such reads.
    snapshot: Callable[["EnvironmentSpec", "Endpoints", Secrets], dict] | None = None
    compare: Callable[[dict, dict, list], None] | None = None


@dataclass(frozen=True)
class Service:
    name: str  # its role in the plan, its folder under roles/ and templates/
    plan: Callable[["EnvironmentSpec", "PlanContext"], "list[ServicePlan]"]
    store: Store | None = None
    spec_key: str | None = None  # its key under `services:` in the spec, when not its name
    # The pydantic model of its section under `services:`. A built-in service's (registered in roles/registry.py's
    # list) is a field of the Services model, in registry order; one registered later is validated by it as an extra.
    spec_model: type | None = None
    spec_list: bool = False  # its section is a list of such models (default empty), not one (default absent)
    # A store's latency budgets, `checks.budgets.<name>` in the spec (a pydantic model whose fields default to the
    # budgets in ms); built-in services only, read by its checks/test_<name>_latency.py.
    latency_budgets: type | None = None
    # Checks on its resolved secrets (an external server's URI parses), run where secrets are resolved, before anything
    # starts: (spec, secrets, spec file as shown); raises UserError, which never repeats a secret.
    check_secrets: Callable[["EnvironmentSpec", Secrets, str], None] | None = None
    # Checks at spec load that need more than the model (files it names exist and parse); raises UserError.
    check_spec: Callable[["EnvironmentSpec", "Path"], None] | None = None
    # Runs a ServicePlan's first-start steps (`bootstrap`) against the server at host:port, reached without auth.
    first_start: Callable[["list[BootstrapStep]", str, int, Secrets, Callable[[str], None]], None] | None = None
    # Container engines: the one-shot job that runs those steps from inside the environment's network.
    first_start_job: Callable[["Plan", "ServicePlan", Secrets], "JobDefinition"] | None = None
    # Readiness in its own protocol (a Probe of kind <name>): raises datastack.probes.NotReady until it answers.
    ready: Callable[["Probe", "str | None", "str | None"], None] | None = None
    # Its part of the Endpoints, seen from the scope's side (published ports, or the private network).
    address: Callable[["EnvironmentSpec", "Endpoints", "AddressScope"], None] | None = None
    # Container engines: image, inner port, users, data dir, healthcheck (roles/<service>/container.py).
    container: "ContainerConventions | None" = None
    # The programs it runs, found on this machine (None: absent), by name: `Toolchain.program(name)` in its plan.
    find_programs: Callable[["EnvironmentSpec | None"], dict[str, "str | None"]] | None = None
    # How to install each of those programs when missing (one line, e.g. "install it: apt-get install ...").
    install_hints: dict[str, str] = field(default_factory=dict)
    # Local engine: what `up` prepares on the host before planning (a build made once); never run by `plan`.
    prepare_local: Callable[["EnvironmentSpec", Callable[[str], None]], None] | None = None
    system_user: str = "datastack"  # the system user it runs as when datastack runs as root
    # Implementations that are single-node stand-ins for the declared server (where they answer, one node).
    stand_ins: tuple[str, ...] = ()
    # Files and directories its spec section names, checked at load: (field, path or None, "file" | "directory").
    referenced_paths: Callable[["EnvironmentSpec"], "list[tuple[str, str | None, str]]"] | None = None
    # pip requirements of its Python processes on the local engine (the runtime venv made for service users).
    runtime_requirements: tuple[str, ...] = ()
    # Offline images: its recipes (images/<recipe>/) and the Debian packages they need in the shared base.
    image_recipes: "tuple[Recipe, ...]" = ()
    base_packages: tuple[str, ...] = ()
    # Container engines: point its endpoints' testinfra hosts at its containers (names by role and by plan entry) and
    # adjust what this machine cannot reach; None: the endpoint named like the service gets its container.
    in_containers: Callable[["Endpoints", dict[str, str], dict[str, str]], None] | None = None
    # Jinja filters for its own file formats (roles/<service>/escaping.py), used by its templates.
    template_filters: dict[str, Callable[[object], str]] = field(default_factory=dict)
    # Its part of the report's declared design (datastack.check.design.Design): databases, users; names only.
    design: Callable[["EnvironmentSpec", "Design"], None] | None = None
    # How reports name it, when not its name.
    label: str | None = None
    # A directory of pytest check modules (test_<name>_<category>.py) it brings, run by `datastack check`
    # beside checks/ when it is declared; the built-in services keep theirs in checks/.
    checks_dir: "Path | None" = None
    # May be declared more than once: `services.<name>-<suffix>: {instance_of: <name>, ...}` adds an instance with its
    # own port, users and settings. Its hooks must take their names and secret ids from the section they are handed
    # (`section.declared_as(...)`), never from a constant: each instance runs them with the spec seen from it.
    instances: bool = False

    @property
    def display_name(self) -> str:
        return self.label or self.name
    # What `plan` shows of its declared design (collections and indexes, ACL rules): JSON-ready, no secret in it.
    plan_design: Callable[["EnvironmentSpec"], dict] | None = None

    def declared(self, spec: "EnvironmentSpec") -> bool:
        value = getattr(spec.services, self.spec_key or self.name, None)
        return bool(value) and getattr(value, "enabled", True) is not False


def instance_service(service: Service, name: str) -> Service:
    """`service` as its instance `name`: every hook that reads the spec or the endpoints is handed them as seen from
    the instance (its section in the service's place, its endpoints in the service's), and reports name the instance."""

    def spec_view(hook):
        return None if hook is None else lambda spec, *rest: hook(spec.instance_view(name), *rest)

    def store_view(hook, *, reports: bool = True):
        if hook is None:
            return None

        def call(spec, endpoints, *rest):
            rest = [_progress_naming(r, service.name, name) if hasattr(r, "progress") else r for r in rest]
            result = hook(spec.instance_view(name), endpoints.instance_view(name), *rest)
            return _renamed(result, name) if reports else result

        return call

    def design(spec, report_design):
        users_before = len(report_design.users)
        service.design(spec.instance_view(name), report_design)
        report_design.users[users_before:] = [(name, *rest) for _, *rest in report_design.users[users_before:]]

    def address(spec, endpoints, scope):
        from .endpoints import Endpoints

        own = Endpoints(environment=endpoints.environment, engine=endpoints.engine)
        service.address(spec.instance_view(name), own, scope)
        endpoints.instances[name] = own

    store = service.store
    if store is not None:
        store = replace(store, migrate=store_view(store.migrate), status=store_view(store.status),
                        reconcile_logins=store_view(store.reconcile_logins), roll_back=store_view(store.roll_back),
                        uri=store_view(store.uri, reports=False), snapshot=store_view(store.snapshot, reports=False))
    return replace(service, name=name, label=None, spec_key=name, store=store, plan=spec_view(service.plan),
                   check_spec=spec_view(service.check_spec), check_secrets=spec_view(service.check_secrets),
                   referenced_paths=spec_view(service.referenced_paths),
                   design=design if service.design is not None else None, plan_design=spec_view(service.plan_design),
                   address=address if service.address is not None else None, checks_dir=None)


def _progress_naming(options, service: str, name: str):
    """MigrateOptions whose progress lines name the instance where the service's own code names the service."""
    say = options.progress
    if say is None:
        return options
    return options.model_copy(update={"progress": lambda line: say(name + line[len(service):] if line.startswith(service + " ") else line)})


def _renamed(result, name: str):
    """A store's reports (one or a list) as the instance's: `store` names the instance, also in each change."""
    reports = result if isinstance(result, list) else [result]
    renamed = [r.model_copy(update={"store": name, "planned": [c.model_copy(update={"store": name}) for c in r.planned],
                                    "applied": [c.model_copy(update={"store": name}) for c in r.applied]})
               for r in reports]
    return renamed if isinstance(result, list) else renamed[0]


def registered_services() -> list[Service]:
    """Every service, in start order (stores first, then what uses them)."""
    from roles.registry import SERVICES, load_extensions

    load_extensions()
    return list(SERVICES)


def declared_services(spec: "EnvironmentSpec") -> list[Service]:
    """Every declared service in start order, each instance right after the service it is an instance of."""
    declared: list[Service] = []
    instances = spec.services.instances()
    for service in registered_services():
        if service.declared(spec):
            declared.append(service)
        declared += [instance_service(service, name) for name, of in instances.items() if of == service.name]
    return declared


def declared_service_named(spec: "EnvironmentSpec", name: str, role: str) -> Service:
    """The declared service behind a plan entry: an instance by its name, else the registered service `role`."""
    return next((s for s in declared_services(spec) if s.name == name and name in spec.services.instances()), None) \
        or service_named(role)


def declared_stores(spec: "EnvironmentSpec") -> list[Service]:
    return [s for s in declared_services(spec) if s.store is not None]


def runs_stand_in(planned: "list[ServicePlan]") -> bool:
    """Whether a planned service runs a stand-in (it then answers as one node)."""
    return any(s.implementation in service_named(s.role).stand_ins for s in planned)


def store_of(role: str) -> Store:
    """The store of a registered service, or of the service an instance name (`<service>-<suffix>`) belongs to
    (`datastack diff` compares snapshots keyed by name)."""
    registered = registered_services()
    if not any(s.name == role for s in registered):
        role = next((s.name for s in registered if s.instances and role.startswith(s.name + "-")), role)
    store = service_named(role).store
    if store is None:
        raise ValueError(f"service {role!r} is not a store")
    return store


def service_named(name: str) -> Service:
    from .errors import UserError

    for service in registered_services():
        if service.name == name:
            return service
    raise UserError(f"no service {name!r}", fix=f"use one of: {', '.join(s.name for s in registered_services())}")


def lazy(module: str, function: str, *, one_report: bool = False) -> Callable:
    """`module.function`, imported on its first call: loading the registry never pulls in a store's driver.
    one_report: the function returns one StoreReport, the protocol wants a list."""

    def call(*args, **kwargs):
        result = getattr(importlib.import_module(module), function)(*args, **kwargs)
        return [result] if one_report else result

    call.__name__ = call.__qualname__ = function
    return call
