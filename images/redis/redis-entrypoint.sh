#!/bin/sh
# Write the container's redis.conf (mode 0600: it may hold the default user's password), then run redis.
# Why a file and not --requirepass: argv is visible to every process (`ps`), the config file is not.
set -eu
# What redis writes itself (ACL SAVE rewrites the ACL file of password digests) stays private to it.
umask 077

password=${REDIS_PASSWORD:-}
if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then
  password=$(head -n 1 "$REDIS_PASSWORD_FILE")
fi
unset REDIS_PASSWORD

conf=$(mktemp /tmp/redis.XXXXXX.conf)
{
  echo "# managed by datastack (images/redis/redis-entrypoint.sh)"
  echo "port 6379"
  if [ -n "${REDIS_CONFIG_FILE:-}" ]; then echo "include $REDIS_CONFIG_FILE"; fi
  # Container essentials win over the included file: reachable on the container's network, data on the volume.
  echo "bind 0.0.0.0"
  echo "dir /data"
  echo "daemonize no"
  if [ -n "${REDIS_ACL_FILE:-}" ]; then
    echo "aclfile $REDIS_ACL_FILE"
  elif [ -n "$password" ]; then
    echo "requirepass $password"
  fi
} >"$conf"
exec redis-server "$conf" "$@"
