"""infra/components/tunnel.py: migrate reaches an ssh:// Docker host's loopback through a tunnel for its lifetime.

No sshd runs here: the generated shell is run with a stand-in for ssh that behaves as ssh(1) documents for the
options used (-f -N -M -S: background master once forwards are up, exit 0; -S ... -O exit: close it, exit 0), so
the wrapper's own logic — open, run, always close, keep the command's exit status — is executed, not only read.
"""

from __future__ import annotations

import subprocess

import pytest

from infra.components import tunnel

FAKE_SSH = """#!/bin/sh
echo "$*" >> "{log}"
case " $* " in *" -O exit "*) exit 0 ;; esac
[ -n "$FAIL_TUNNEL" ] && exit 255
exit 0
"""


@pytest.fixture
def fake_ssh(tmp_path, monkeypatch):
    log = tmp_path / "ssh.log"
    program = tmp_path / "ssh"
    program.write_text(FAKE_SSH.format(log=log))
    program.chmod(0o755)
    monkeypatch.setattr(tunnel, "ssh_cli", lambda: str(program))
    return log


def run(script: str, **env) -> int:
    return subprocess.run(["/bin/sh", "-c", script], env={"PATH": "/usr/bin:/bin", **env}, timeout=30).returncode


def test_local_docker_hosts_run_the_command_as_is():
    assert tunnel.through_ssh_tunnel("migrate", "unix:///var/run/docker.sock", [5432]) == "migrate"


def test_the_tunnel_forwards_each_loopback_port_and_is_closed_after(fake_ssh):
    script = tunnel.through_ssh_tunnel("exit 0", "ssh://deploy@prod-data-1.internal:2222", [5432, 6379])
    assert run(script) == 0
    opened, closed = fake_ssh.read_text().splitlines()
    assert opened.startswith("-p 2222 -f -N -M -S ") and "ExitOnForwardFailure=yes" in opened
    assert "-L 127.0.0.1:5432:127.0.0.1:5432 -L 127.0.0.1:6379:127.0.0.1:6379 deploy@prod-data-1.internal" in opened
    assert "-O exit deploy@prod-data-1.internal" in closed
    control = opened.split(" -S ", 1)[1].split()[0]
    assert control.endswith("/ctl") and not __import__("os").path.exists(control.rsplit("/", 1)[0]), "socket dir removed"


def test_a_failing_command_still_closes_the_tunnel_and_keeps_its_status(fake_ssh):
    assert run(tunnel.through_ssh_tunnel("exit 3", "ssh://deploy@h", [5432])) == 3
    assert "-O exit" in fake_ssh.read_text().splitlines()[-1]


def test_no_tunnel_no_command(fake_ssh):
    assert run(tunnel.through_ssh_tunnel("touch /nonexistent-ran", "ssh://deploy@h", [5432]), FAIL_TUNNEL="1") != 0
    assert len(fake_ssh.read_text().splitlines()) == 1, "the command never ran without its tunnel"


def test_loopback_ports_are_the_stores_published_on_the_hosts_loopback():
    endpoints = {"postgres": {"host": "127.0.0.1", "port": 5432}, "redis": {"host": "127.0.0.1", "port": 6379},
                 "mongodb": {"hosts": ["127.0.0.1:27017", "prod-data-2.internal:27018"]}}
    assert tunnel.loopback_ports(endpoints) == [5432, 6379, 27017]
