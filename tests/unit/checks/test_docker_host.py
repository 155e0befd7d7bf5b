"""The check suite's docker:// hosts run the docker CLI datastack resolved, not a `docker` on PATH."""

from __future__ import annotations

import json

import pytest

from checks.lib.docker_host import docker_host


@pytest.fixture
def fake_docker(tmp_path, monkeypatch):
    """A docker CLI that records its argv and prints a marker; a decoy `docker` on PATH fails loudly."""
    record = tmp_path / "argv.json"
    cli = tmp_path / "installed" / "docker"
    cli.parent.mkdir()
    cli.write_text(f"#!/usr/bin/python3\nimport json, sys\njson.dump(sys.argv[1:], open({str(record)!r}, 'w'))\n"
                   "print('from-installed-cli')\n")
    cli.chmod(0o755)
    decoy = tmp_path / "decoy" / "docker"
    decoy.parent.mkdir()
    decoy.write_text("#!/bin/sh\necho from-path-decoy; exit 97\n")
    decoy.chmod(0o755)
    monkeypatch.setenv("PATH", f"{decoy.parent}:/usr/bin:/bin")
    return cli, record


def test_commands_run_through_the_given_cli(fake_docker):
    cli, record = fake_docker
    result = docker_host("docker://ds-ci-redis", str(cli)).run("cat /etc/hostname")
    assert result.rc == 0 and result.stdout.strip() == "from-installed-cli"
    argv = json.loads(record.read_text())
    assert argv[:4] == ["exec", "ds-ci-redis", "/bin/sh", "-c"] and "cat /etc/hostname" in argv[4]


def test_a_user_in_the_url_becomes_exec_u(fake_docker):
    cli, record = fake_docker
    docker_host("docker://redis@ds-ci-redis", str(cli)).run("id -u")
    assert json.loads(record.read_text())[:4] == ["exec", "-u", "redis", "ds-ci-redis"]
