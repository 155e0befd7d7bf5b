"""Config files delivered into a container (datastack/engines/docker/files.py): owners and modes in the tar."""

from __future__ import annotations

import io
import tarfile

from datastack.engines.docker.files import files_archive
from datastack.plan.definitions import DeliveredFile


def entries(files):
    with tarfile.open(fileobj=io.BytesIO(files_archive(files))) as tar:
        return {m.name: m for m in tar.getmembers()}


def test_a_servers_own_directory_belongs_to_it_so_it_can_rewrite_its_files():
    """Redis's ACL SAVE writes users.acl.tmp-* beside users.acl and renames it: the directory must be its."""
    tar = entries([DeliveredFile("/etc/datastack/redis.conf", "port 6379\n", 0o640, 999, 999, False),
                   DeliveredFile("/etc/datastack/users.acl", "user admin on\n", 0o600, 999, 999, True)])
    directory = tar["etc/datastack"]
    assert directory.isdir() and (directory.uid, directory.gid, directory.mode) == (999, 999, 0o755)
    acl = tar["etc/datastack/users.acl"]
    assert (acl.uid, acl.gid, acl.mode) == (999, 999, 0o600)


def test_a_directory_shared_by_two_owners_stays_roots():
    tar = entries([DeliveredFile("/etc/shared/a", "a", 0o644, 999, 999, False),
                   DeliveredFile("/etc/shared/b", "b", 0o644, 1000, 1000, False)])
    assert (tar["etc/shared"].uid, tar["etc/shared"].gid) == (0, 0)
