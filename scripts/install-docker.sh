#!/usr/bin/env bash
# Make a Docker engine answer on /var/run/docker.sock, and have debootstrap for the offline base image.
# Idempotent: installs only what is missing, starts dockerd only if the socket does not answer.
# Used by CI (.ci/run) on a fresh Debian 12 machine and by developers; needs root.
set -euo pipefail

SOCKET=/var/run/docker.sock
# Where Debian's packages install them: started by path, so no other client on PATH is picked up.
DOCKER=/usr/bin/docker
DOCKERD=/usr/sbin/dockerd
DEBOOTSTRAP=/usr/sbin/debootstrap
LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
WAIT_SECONDS=${DOCKERD_WAIT_SECONDS:-60}

# dockerd starts containerd and runc by name: give it the system's directories and nothing else.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

say() { echo "install-docker: $*"; }

daemon_answers() {
  # `docker version` needs the server half; curl might be missing, the docker CLI is not.
  "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

missing=()
[ -x "$DOCKERD" ] && [ -x "$DOCKER" ] || missing+=(docker.io)
[ -x "$DEBOOTSTRAP" ] || missing+=(debootstrap)
if ((${#missing[@]})); then
  say "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "installed ${missing[*]}"
else
  say "docker.io and debootstrap already installed"
fi

if daemon_answers; then
  say "dockerd already answering on $SOCKET (server $("$DOCKER" version --format '{{.Server.Version}}'))"
  exit 0
fi

# Start a long-lived program detached from this shell, with none of its descriptors beyond 0-2. Callers run
# this script under `flock /tmp/datastack-docker.lock`: a daemon inheriting that lock's descriptor would hold
# the lock for as long as it runs, and every later `flock` would wait forever.
detach() {
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
    done
    exec nohup setsid "$@" >"$LOG" 2>&1 </dev/null
  ) &
  disown || true
}

# No systemd on these machines: run dockerd as a plain background process, detached from this shell.
say "starting dockerd in the background (log: $LOG)"
detach "$DOCKERD"

for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
  if daemon_answers; then
    say "dockerd answering on $SOCKET after $((i / 2)) s (server $("$DOCKER" version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 0.5
done
say "dockerd did not answer on $SOCKET within ${WAIT_SECONDS} s; last lines of $LOG:" >&2
tail -n 20 "$LOG" >&2 || true
exit 1
