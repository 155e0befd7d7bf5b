#!/bin/sh
# Create the root user once (SecantusDB has no localhost exception: users first, then --auth), then serve.
set -eu
DATA=/data/db
MARKER=$DATA/.datastack-root-user

if [ ! -e "$MARKER" ] && { [ -n "${MONGO_INITDB_ROOT_USERNAME:-}${MONGO_INITDB_ROOT_USERNAME_FILE:-}" ]; }; then
  /opt/secantus/bin/python /usr/local/lib/datastack/standin-create-root-user.py "$DATA" "$MARKER"
fi
unset MONGO_INITDB_ROOT_PASSWORD

auth=""
if [ -e "$MARKER" ] || [ "${MONGO_AUTH:-false}" = "true" ]; then auth="--auth"; fi
exec /opt/secantus/bin/secantusd-py --host 0.0.0.0 --port 27017 --storage-path "$DATA" --standalone $auth "$@"
