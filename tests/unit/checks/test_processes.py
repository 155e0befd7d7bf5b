"""checks/lib/processes.py parses what the kernel prints (proc(5)): /proc/net/tcp{,6}, /proc/<pid>/status and the
fd links — the recorded text below is what SNAPSHOT prints in a container of an official image, where `ss` and `ps`
are absent and root may not read another user's fds."""

from __future__ import annotations

from checks.lib.processes import hex_address, parse_snapshot

# mongod (uid 999) listening on 0.0.0.0:27017 and [::]:27017; docker exec's shell is root, fds unreadable.
CONTAINER = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:6989 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 40117 1 0 100 0 0 10 0
   1: 0100007F:6989 0100007F:C350 01 00000000:00000000 00:00000000 00000000   999        0 40200 1 0 20 4 30 10 -1
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:6989 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   999        0 40118 1 0 100 0 0 10 0
#status
/proc/1/status:Name:\tmongod
/proc/1/status:PPid:\t0
/proc/1/status:Uid:\t999\t999\t999\t999
/proc/57/status:Name:\tsh
/proc/57/status:PPid:\t0
/proc/57/status:Uid:\t0\t0\t0\t0
#sockets
#passwd
root:x:0:0:root:/root:/bin/bash
mongodb:x:999:999::/data/db:/bin/sh
"""

# The host (local://): fds readable, so the owner comes from the socket's inode, not from its uid.
HOST = """\
   0: 0100007F:D431 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 5001 1 0 100 0 0 10 0
   1: 0100007F:0A52 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 5002 1 0 100 0 0 10 0
#status
/proc/300/status:Name:\tpostgres
/proc/300/status:PPid:\t1
/proc/300/status:Uid:\t101\t101\t101\t101
/proc/310/status:Name:\tpostgres
/proc/310/status:PPid:\t300
/proc/310/status:Uid:\t101\t101\t101\t101
/proc/200/status:Name:\tother
/proc/200/status:PPid:\t1
/proc/200/status:Uid:\t101\t101\t101\t101
#sockets
/proc/300/fd socket:[5001]
/proc/200/fd socket:[5002]
#passwd
postgres:x:101:104::/var/lib/postgresql:/bin/bash
"""


def test_addresses_as_the_kernel_prints_them():
    assert hex_address("0100007F:6989") == ("127.0.0.1", 27017)
    assert hex_address("00000000000000000000000000000000:6989") == ("::", 27017)
    assert hex_address("00000000000000000000000001000000:1F90") == ("::1", 8080)


def test_in_a_container_without_readable_fds_the_socket_uid_names_the_owner():
    snapshot = parse_snapshot(CONTAINER)
    assert [(s.address, s.port, s.pid, s.user) for s in snapshot.listeners] == [
        ("0.0.0.0", 27017, 1, "mongodb"), ("::", 27017, 1, "mongodb")], "only LISTEN sockets, owned by mongod"
    assert snapshot.processes[1].name == "mongod" and snapshot.processes[57].uid == 0


def test_on_the_host_the_inode_names_the_owner_even_among_processes_of_one_user():
    snapshot = parse_snapshot(HOST)
    owners = {s.port: (s.pid, s.program) for s in snapshot.listeners}
    assert owners == {54321: (300, "postgres"), 2642: (200, "other")}
    assert snapshot.processes[310].ppid == 300
