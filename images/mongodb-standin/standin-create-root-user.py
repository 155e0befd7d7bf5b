"""Create the root user in a private, unauthenticated SecantusDB on loopback, then stop it.

Usage: standin-create-root-user.py DATA_DIR MARKER_FILE. Reads MONGO_INITDB_ROOT_USERNAME and
MONGO_INITDB_ROOT_PASSWORD, or their *_FILE variants (first line). Writes MARKER_FILE when done so the
next start skips this and serves with --auth.
"""

import os
import sys
from pathlib import Path


def setting(name: str) -> str:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().splitlines()[0].strip()
    value = os.environ.get(name, "")
    if not value:
        sys.exit(f"standin: {name} (or {name}_FILE) must be set together with the root username")
    return value


def main() -> None:
    data_dir, marker = sys.argv[1], Path(sys.argv[2])
    username, password = setting("MONGO_INITDB_ROOT_USERNAME"), setting("MONGO_INITDB_ROOT_PASSWORD")

    import pymongo
    from secantus import SecantusDBServer

    # port 0 on 127.0.0.1: nobody else can reach this auth-less instance while the user is created.
    server = SecantusDBServer(host="127.0.0.1", port=0, storage_path=data_dir, replica_set_name=None)
    server.start()
    try:
        client = pymongo.MongoClient(server.uri, directConnection=True)
        try:
            client.admin.command("createUser", username, pwd=password, roles=[{"role": "root", "db": "admin"}])
        finally:
            client.close()
    finally:
        server.stop()
    marker.write_text(f"root user {username} created\n")
    print(f"standin: created root user {username!r} in admin; serving with --auth")


if __name__ == "__main__":
    main()
