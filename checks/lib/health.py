"""Process health shared by every service: its own non-root user, only its declared ports, safe config files."""

from __future__ import annotations

import pytest

from datastack.plan import ServicePlan

from .processes import owner_of_port, ports_of, process_tree
from .target import status_command

KEYFILE_MODE = 0o400
SECRET_MODE = 0o600


def listening(svc: ServicePlan, in_container: bool) -> tuple[str, list[int]]:
    """(bind, ports) the server itself uses: inside a container it listens on its own port on every
    interface, and the plan's 127.0.0.1 ports are Docker's published side."""
    if in_container:
        from datastack.plan.containers import listen_address_inside

        bind, port = listen_address_inside(svc.role)
        return bind, [port]
    return svc.bind, svc.ports


def assert_runs_as_declared_user(host, svc: ServicePlan, up_fix: str, in_container: bool = False) -> None:
    owner = _owner(host, svc, up_fix, in_container)
    user = owner.user  # the socket's owner, from /proc (no `ps` needed in the image)
    assert user != "root", f"{svc.name} (pid {owner.pid}) runs as root — fix: run it as {svc.run_as} ('{up_fix}' does)"
    assert user == svc.run_as, f"{svc.name} (pid {owner.pid}) runs as {user}, declared {svc.run_as} — fix: '{up_fix}'"


def assert_listens_only_on_declared_ports(host, svc: ServicePlan, up_fix: str, in_container: bool = False) -> None:
    owner = _owner(host, svc, up_fix, in_container)
    bind, ports = listening(svc, in_container)
    sockets = ports_of(host, process_tree(host, owner.pid))
    declared = set(ports)
    extra = sorted({f"{s.address}:{s.port}" for s in sockets if s.port not in declared})
    assert not extra, (f"{svc.name} (pid {owner.pid}) also listens on {', '.join(extra)}; declared only "
                       f"{', '.join(map(str, sorted(declared)))} — fix: correct its config and '{up_fix}'")
    wrong_bind = sorted({f"{s.address}:{s.port}" for s in sockets if s.address not in (bind, "*") and bind != "0.0.0.0"})
    assert not wrong_bind, f"{svc.name} listens on {', '.join(wrong_bind)}, declared bind {bind} — fix: '{up_fix}'"
    missing = sorted(declared - {s.port for s in sockets})
    assert not missing, f"{svc.name} does not listen on declared port(s) {missing} — fix: '{up_fix}'"


def assert_config_files_safe(host, svc: ServicePlan, up_fix: str) -> None:
    problems = []
    for f in svc.files:
        live = host.file(f.path)
        if not live.exists:
            problems.append(f"{f.path} missing")
            continue
        mode = live.mode
        if f.secret:
            limit = KEYFILE_MODE if f.path.endswith("keyfile") or "keyfile" in f.template else SECRET_MODE
            if mode & ~limit & 0o777:
                problems.append(f"{f.path} holds a secret but is {oct(mode)}, at most {oct(limit)}")
        elif mode & 0o002:
            problems.append(f"{f.path} is world-writable ({oct(mode)})")
    assert not problems, f"{svc.name}: {'; '.join(problems)} — fix: '{up_fix}' rewrites its files with safe modes"


def assert_process_as_planned(host, svc: ServicePlan, target) -> None:
    """The three process checks in one, for services checked in a single test (app, mongo-express)."""
    in_container = target.plan.target == "container"
    assert_runs_as_declared_user(host, svc, target.up_fix, in_container)
    assert_listens_only_on_declared_ports(host, svc, target.up_fix, in_container)
    assert_config_files_safe(host, svc, target.up_fix)


def _owner(host, svc: ServicePlan, up_fix: str, in_container: bool):
    bind, ports = listening(svc, in_container)
    if not ports:
        pytest.skip(f"{svc.name} declares no port")
    owner = owner_of_port(host, ports[0])
    if owner is None:
        pytest.fail(f"{svc.name}: nothing listens on {bind}:{ports[0]} — fix: '{up_fix}', then '{status_command(up_fix)}'",
                    pytrace=False)
    return owner


def process_checks(role: str, endpoint: str):
    """The three process checks every service gets, as test functions for its module to bind:

        test_x_runs_as_its_own_user, test_x_listens_only_on_declared_ports, test_x_config_files_safe = process_checks(...)
    """
    def planned(target, hosts):
        ep = getattr(target.endpoints, endpoint)
        if getattr(ep, "external", False):
            pytest.skip(f"{role} is external: datastack runs no process of it on this host, so its owner, "
                        "listening addresses and config files are its provider's to check")
        services = target.services(role)
        if ep is None or not services:
            pytest.skip(f"this environment runs no {role}")
        return hosts(ep.testinfra_host), services

    def runs_as_its_own_user(target, hosts):
        host, services = planned(target, hosts)
        for svc in services:
            assert_runs_as_declared_user(host, svc, target.up_fix, target.plan.target == "container")

    def listens_only_on_declared_ports(target, hosts):
        host, services = planned(target, hosts)
        for svc in services:
            assert_listens_only_on_declared_ports(host, svc, target.up_fix, target.plan.target == "container")

    def config_files_safe(target, hosts):
        host, services = planned(target, hosts)
        for svc in services:
            assert_config_files_safe(host, svc, target.up_fix)

    return runs_as_its_own_user, listens_only_on_declared_ports, config_files_safe
