"""The check suite's pytest plugin: options, the target environment, bounded connections, testinfra hosts.

    pytest checks/ --datastack-env local [--read-only] [--samples 200]
    pytest checks/ --datastack-spec path/to/env.yaml

`datastack check` runs the same suite in-process with the same options.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.lib.connections import Connections
from datastack.errors import DatastackError
from checks.lib.declared import PARAMETERS
from checks.lib.target import Target, open_target


def pytest_addoption(parser):
    group = parser.getgroup("datastack", "datastack check suite")
    group.addoption("--datastack-env", default=None, help="environment name (a file in environments/)")
    group.addoption("--datastack-spec", default=None, help="any environment spec file")
    group.addoption("--datastack-from-stack", default=None, help="endpoints from `pulumi stack output --json` (a file)")
    group.addoption("--read-only", action="store_true", default=False,
                    help="read-only credentials only, no writes (safe against production)")
    group.addoption("--samples", type=int, default=None, help="timed samples per latency probe (default: the spec's)")


def pytest_configure(config):
    config.addinivalue_line("markers", "writes: performs writes (skipped in --read-only mode)")


def pytest_sessionstart(session):
    opts = session.config.option
    if opts.datastack_spec is None and opts.datastack_env is None:
        raise pytest.UsageError("the check suite needs --datastack-env NAME or --datastack-spec FILE "
                                "(or run 'datastack check --env NAME')")
    try:
        _target(session.config)
    except DatastackError as exc:  # a bad spec is bad usage: one line, no collection errors
        raise pytest.UsageError(exc.one_line()) from None


def _target(config) -> Target:
    """One Target per run, made at collection: parametrization needs the declared state."""
    if not hasattr(config, "_datastack_target"):
        opts = config.option
        spec = Path(opts.datastack_spec) if opts.datastack_spec else None
        if spec is None and opts.datastack_env is None:
            raise pytest.UsageError("the check suite needs --datastack-env NAME or --datastack-spec FILE")
        from_stack = Path(opts.datastack_from_stack) if opts.datastack_from_stack else None
        config._datastack_target = open_target(opts.datastack_env, spec, read_only=opts.read_only, samples=opts.samples,
                                               from_stack=from_stack)
    return config._datastack_target


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A server that stops answering mid-run: one clear line for this check, and the later ones fail at once."""
    try:
        return (yield)
    except Exception as exc:
        connections = item.funcargs.get("connections")
        message = connections.stopped_answering(exc) if connections is not None else None
        if message is None:
            raise
        pytest.fail(message, pytrace=False)


def pytest_generate_tests(metafunc):
    target = _target(metafunc.config)
    names = [name for name in metafunc.fixturenames if name in PARAMETERS]
    views = _instance_views(target, metafunc.module.__name__)
    if not views:
        for name in names:
            items = PARAMETERS[name](target)
            metafunc.parametrize(name, [value for _, value in items], ids=[i for i, _ in items])
        return
    # A store with instances: each of its checks runs once per instance (the target seen from it), the instance's
    # name first in the test id, each with that instance's own declared users, databases, ...
    rows: list[tuple[list, str]] = [([instance], label) for label, instance in views]
    for name in names:
        rows = [(values + [value], f"{row_id}:{item_id}") for values, row_id in rows
                for item_id, value in PARAMETERS[name](_view(target, values[0]))]
    metafunc.parametrize(["target", *names], [tuple(values) for values, _ in rows], ids=[i for _, i in rows],
                         indirect=["target"], scope="session")


def _instance_views(target: Target, module: str) -> list[tuple[str, str | None]]:
    """(label, instance name or None for the service itself) for a check module of a service that has instances
    in this environment (checks/test_<service>_<category>.py); empty for any other module."""
    from datastack.services import registered_services

    stem = module.rsplit(".", 1)[-1].removeprefix("test_")
    service = next((s for s in sorted(registered_services(), key=lambda s: -len(s.name)) if stem.startswith(s.name + "_")),
                   None)
    instances = target.instances_of(service.name) if service is not None else []
    if not instances:
        return []
    primary = [(service.name, None)] if service.declared(target.session.spec) else []
    return primary + [(name, name) for name in instances]


def _view(target: Target, instance: str | None) -> Target:
    return target.instance_view(instance) if instance else target


@pytest.fixture(scope="session")
def target(request) -> Target:
    return _view(_target(request.config), getattr(request, "param", None))


@pytest.fixture(scope="session")
def connections(target):
    conns = Connections(target)
    yield conns
    conns.close_all()


@pytest.fixture(scope="session")
def hosts(target):
    """testinfra hosts by URL (local:// or docker://NAME), made once each."""
    import testinfra

    from checks.lib.processes import forget_snapshots

    cache: dict[str, object] = {}

    def get(url: str):
        if url not in cache:
            if url.startswith("docker://"):
                from checks.lib.docker_host import docker_host
                from datastack.images.docker_client import require_docker_cli

                cache[url] = docker_host(url, require_docker_cli())
            else:
                cache[url] = testinfra.get_host(url)
            forget_snapshots(cache[url])  # testinfra reuses host objects across runs in one process
        return cache[url]

    return get
