"""Which process owns a listening TCP port, who it runs as, and what else it listens on — read from /proc.

Official images ship neither `ss` (iproute2) nor, for some, `ps` (procps): one shell command reads the kernel's own
tables instead (proc(5): /proc/net/tcp{,6} columns `local_address st uid inode`, /proc/<pid>/status `PPid`/`Uid`,
/proc/<pid>/fd/* links `socket:[inode]`) with tools every Debian/Ubuntu-based image has (cat, grep, find).
Works the same over `local://` and `docker://NAME`. Where a socket's process cannot be read (a container's root
lacks CAP_SYS_PTRACE for another user's fds), its owner is found by the socket's uid, which the kernel records.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

LISTEN = "0A"  # TCP_LISTEN in include/net/tcp_states.h, as /proc/net/tcp prints it
SNAPSHOT = (
    "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; echo '#status'; "
    "grep -H -E '^(Name|PPid|Uid):' /proc/[0-9]*/status 2>/dev/null; echo '#sockets'; "
    "find /proc/[0-9]*/fd -maxdepth 1 -lname 'socket:*' -printf '%h %l\\n' 2>/dev/null; echo '#passwd'; "
    "cat /etc/passwd; true"
)


@dataclass(frozen=True)
class Listener:
    address: str
    port: int
    pid: int | None
    program: str | None
    uid: int | None = None
    user: str | None = None


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    uid: int
    name: str


@dataclass
class Snapshot:
    listeners: list[Listener]
    processes: dict[int, Process]


def hex_address(text: str) -> tuple[str, int]:
    """`0100007F:6989` -> ('127.0.0.1', 27017): IPv4 is one little-endian word, IPv6 four of them."""
    raw, port = text.split(":")
    packed = b"".join(bytes.fromhex(raw[i:i + 8])[::-1] for i in range(0, len(raw), 8))
    return str(ipaddress.ip_address(packed)), int(port, 16)


def parse_snapshot(text: str) -> Snapshot:
    section, sockets, status, inode_pid, users = "tcp", [], {}, {}, {}
    for line in text.splitlines():
        if line.startswith("#"):
            section = line[1:].strip()
            continue
        parts = line.split()
        if section == "tcp" and len(parts) >= 10 and parts[3] == LISTEN:
            address, port = hex_address(parts[1])
            sockets.append((address, port, int(parts[7]), parts[9]))
        elif section == "status" and ":" in line:
            path, _, rest = line.partition(":")
            key, _, value = rest.partition(":")
            pid = int(path.split("/")[2])
            status.setdefault(pid, {})[key] = value.split()[0] if value.split() else ""
        elif section == "sockets" and len(parts) == 2 and parts[1].startswith("socket:["):
            inode_pid.setdefault(parts[1][len("socket:["):-1], int(parts[0].split("/")[2]))
        elif section == "passwd" and line.count(":") >= 6:
            name, _, uid = line.split(":")[:3]
            users.setdefault(int(uid), name)
    processes = {pid: Process(pid, int(s.get("PPid", 0)), int(s.get("Uid", -1)), s.get("Name", ""))
                 for pid, s in status.items() if "Uid" in s}
    listeners = []
    readable_uids = {uid for _, _, uid, inode in sockets if inode in inode_pid}
    for address, port, uid, inode in sockets:
        pid = inode_pid.get(inode)
        if pid is None and uid not in readable_uids:
            # That user's fds are unreadable: its oldest process holds the socket (a container's server).
            pid = min((p.pid for p in processes.values() if p.uid == uid), default=None)
        program = processes[pid].name if pid in processes else None
        listeners.append(Listener(address, port, pid, program, uid, users.get(uid, str(uid))))
    return Snapshot(listeners, processes)


def snapshot(host) -> Snapshot:
    """One read of /proc per host per check run: every service's health checks use the same snapshot (five
    services ask ~30 times, 10-30 ms a read here). Kept on the host object; the suite's `hosts` fixture forgets it
    when a run starts (testinfra hands the same host object to every run in a process)."""
    taken = host.__dict__.get("_datastack_snapshot")
    if taken is None:
        taken = host.__dict__["_datastack_snapshot"] = parse_snapshot(host.check_output(SNAPSHOT))
    return taken


def forget_snapshots(host) -> None:
    host.__dict__.pop("_datastack_snapshot", None)


def owner_of_port(host, port: int) -> Listener | None:
    return next((s for s in snapshot(host).listeners if s.port == port and s.pid is not None), None)


def ports_of(host, pids: set[int]) -> list[Listener]:
    return [s for s in snapshot(host).listeners if s.pid in pids]


def process_tree(host, pid: int) -> set[int]:
    """A pid and its children (PostgreSQL's postmaster, workers that inherit sockets)."""
    children: dict[int, list[int]] = {}
    for process in snapshot(host).processes.values():
        children.setdefault(process.ppid, []).append(process.pid)
    tree, todo = set(), [pid]
    while todo:
        current = todo.pop()
        if current not in tree:
            tree.add(current)
            todo += children.get(current, [])
    return tree
