"""Health checks share one read of /proc per host per run (checks/lib/processes.py), on a real local host."""

from __future__ import annotations

import os

import testinfra

from checks.lib import processes


def counting_host(monkeypatch):
    host = testinfra.get_host("local://")
    processes.forget_snapshots(host)  # testinfra hands out one host object per URL per process
    calls = []
    real = host.check_output

    def check_output(command, *args, **kwargs):
        calls.append(command)
        return real(command, *args, **kwargs)

    monkeypatch.setattr(host, "check_output", check_output)  # undone after the test: the host object is shared
    return host, calls


def test_one_proc_read_per_host(monkeypatch):
    host, calls = counting_host(monkeypatch)
    first = processes.snapshot(host).listeners
    assert processes.ports_of(host, {l.pid for l in first if l.pid is not None}) == [l for l in first if l.pid is not None]
    assert os.getpid() in processes.process_tree(host, os.getpid())
    processes.process_tree(host, 1)
    assert calls == [processes.SNAPSHOT]


def test_a_new_run_takes_a_new_snapshot(monkeypatch):
    host, calls = counting_host(monkeypatch)
    processes.owner_of_port(host, 1)
    processes.forget_snapshots(host)  # what the suite's `hosts` fixture does when a run starts
    processes.owner_of_port(host, 1)
    assert calls == [processes.SNAPSHOT, processes.SNAPSHOT]
