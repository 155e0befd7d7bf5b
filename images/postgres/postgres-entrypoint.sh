#!/bin/sh
# Initialise the cluster on first start (scram-sha-256, password from a secret file), then run postgres.
# Why a pwfile: the password never appears in argv, the environment of postgres, or the image.
set -eu

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  password_file=${POSTGRES_PASSWORD_FILE:-}
  if [ -z "$password_file" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
      echo "postgres-entrypoint: set POSTGRES_PASSWORD_FILE (or POSTGRES_PASSWORD) for the first start" >&2
      exit 2
    fi
    password_file=$(mktemp)  # mode 0600, removed right after initdb
    printf '%s\n' "$POSTGRES_PASSWORD" >"$password_file"
  fi
  initdb -D "$PGDATA" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    --pwfile="$password_file" --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  if [ -z "${POSTGRES_PASSWORD_FILE:-}" ]; then rm -f "$password_file"; fi
  # Clients from the host arrive from the bridge gateway, others from the project's network: password
  # (scram) for every TCP client; narrow it with POSTGRES_HBA_CIDR.
  printf 'host all all %s scram-sha-256\n' "${POSTGRES_HBA_CIDR:-all}" >>"$PGDATA/pg_hba.conf"
  echo "postgres-entrypoint: initialised $PGDATA (scram-sha-256)"
fi
unset POSTGRES_PASSWORD
exec postgres -D "$PGDATA" -c listen_addresses=0.0.0.0 "$@"
