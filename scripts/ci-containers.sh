#!/usr/bin/env bash
# CI: the `ci` environment in containers, end to end. Fails on the first error; always tears down.
#   1. Docker engine (docker.io) installed and dockerd answering     scripts/install-docker.sh
#   2. offline images built, or reused when their recipe is unchanged  datastack images build
#   3. up with the Docker engine, migrate, check (testinfra via docker://); rotate every secret, migrate, check
#   4. down --purge (also when a step failed), so the machine is left clean
# Needs root (dockerd, debootstrap). Run from anywhere; uses the repository this script lives in.
set -euo pipefail
cd "$(dirname "$0")/.."

ENV=ci
# The project's own CLI, by the path setup.sh installed it at; the system's PATH for everything else.
DATASTACK="$PWD/.venv/bin/datastack"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }
timed() { local start=$SECONDS; "$@"; echo "-- $* took $((SECONDS - start)) s"; }

teardown() {
  local status=$?
  step "datastack down --env $ENV --purge"
  "$DATASTACK" down --env "$ENV" --engine docker --purge || status=1
  exit "$status"
}

step "install and start Docker"
timed bash scripts/install-docker.sh

step "offline images (reused when unchanged)"
timed "$DATASTACK" images build

trap teardown EXIT
step "datastack up --env $ENV --engine docker"
timed "$DATASTACK" up --env "$ENV" --engine docker
step "second up: every container unchanged"
timed "$DATASTACK" up --env "$ENV" --engine docker

step "three datastack migrate --env $ENV started together (each store serialises them; all must exit 0)"
migrate_logs=$(mktemp -d)
pids=()
for i in 1 2 3; do
  "$DATASTACK" migrate --env "$ENV" > "$migrate_logs/$i.log" 2>&1 &
  pids+=("$!")
done
for i in 0 1 2; do
  if ! wait "${pids[$i]}"; then
    echo "migrator $((i + 1)) failed:"; cat "$migrate_logs/$((i + 1)).log"; exit 1
  fi
done
rm -rf "$migrate_logs"
step "datastack migrate --env $ENV again: nothing to do"
timed "$DATASTACK" migrate --env "$ENV"

step "datastack check --env $ENV"
timed "$DATASTACK" check --env "$ENV"

step "rotation: every generated secret changes (administrators included); migrate applies them"
"$PWD/.venv/bin/python" - "$ENV" <<'PY'
import json, secrets, sys
from datastack.session import Session
path = Session.open(sys.argv[1], None).state_dir / "secrets.json"
path.write_text(json.dumps({key: secrets.token_hex(24) for key in json.loads(path.read_text())}))
print(f"rotated {len(json.loads(path.read_text()))} secrets in {path}")
PY
timed "$DATASTACK" migrate --env "$ENV"
step "up after rotation: only what carries a password at run time is recreated"
timed "$DATASTACK" up --env "$ENV" --engine docker
step "datastack check --env $ENV (the new passwords log in, wrong ones are refused)"
timed "$DATASTACK" check --env "$ENV"
