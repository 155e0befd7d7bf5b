"""Which process owns a listening TCP port, and what else it listens on, through the testinfra host.

Works the same over `local://` and `docker://NAME` (needs `ss` from iproute2 and `ps` on the target).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_USERS = re.compile(r'\("([^"]+)",pid=(\d+)')


@dataclass(frozen=True)
class Listener:
    address: str
    port: int
    pid: int | None
    program: str | None


def snapshot(host, command: str) -> str:
    """One `ss` and one `ps` per host per check run: every service's health checks read the same snapshot
    (five services asked ~30 times, 10-30 ms a process here). Kept on the host object; the suite's `hosts`
    fixture forgets it when a run starts (testinfra hands the same host object to every run in a process)."""
    taken = host.__dict__.setdefault("_datastack_snapshots", {})
    if command not in taken:
        taken[command] = host.check_output(command)
    return taken[command]


def forget_snapshots(host) -> None:
    host.__dict__.pop("_datastack_snapshots", None)


def listening_sockets(host) -> list[Listener]:
    out = snapshot(host, "ss -Htlnp")
    found = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 4:
            continue
        local = parts[3]
        address, _, port = local.rpartition(":")
        match = _USERS.search(line)
        found.append(Listener(address.strip("[]"), int(port), int(match.group(2)) if match else None,
                              match.group(1) if match else None))
    return found


def owner_of_port(host, port: int) -> Listener | None:
    return next((s for s in listening_sockets(host) if s.port == port and s.pid is not None), None)


def ports_of(host, pids: set[int]) -> list[Listener]:
    return [s for s in listening_sockets(host) if s.pid in pids]


def process_tree(host, pid: int) -> set[int]:
    """A pid and its children (PostgreSQL's postmaster, workers that inherit sockets)."""
    out = snapshot(host, "ps -eo pid=,ppid=")
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        p, parent = (int(x) for x in line.split())
        children.setdefault(parent, []).append(p)
    tree, todo = set(), [pid]
    while todo:
        current = todo.pop()
        if current not in tree:
            tree.add(current)
            todo += children.get(current, [])
    return tree
