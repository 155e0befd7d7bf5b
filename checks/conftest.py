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
    for name in metafunc.fixturenames:
        if name in PARAMETERS:
            items = PARAMETERS[name](_target(metafunc.config))
            metafunc.parametrize(name, [value for _, value in items], ids=[i for i, _ in items])


@pytest.fixture(scope="session")
def target(request) -> Target:
    return _target(request.config)


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
