#!/bin/sh
# Start a mongo-express built by build-mongo-express.sh — managed by datastack (images/mongo-express).
# Reads (see node_modules/mongo-express/config.default.js; every ME_CONFIG_* also takes a *_FILE twin):
#   ME_CONFIG_MONGODB_URL                      connection string (required)
#   ME_CONFIG_BASICAUTH                        "true" (default here) / "false"
#   ME_CONFIG_BASICAUTH_USERNAME / _PASSWORD   required while basic auth is on (no admin:pass fallback)
#   ME_CONFIG_SITE_SESSIONSECRET / _COOKIESECRET  random per start when unset (sessions end on restart)
#   VCAP_APP_HOST (listen address, default 127.0.0.1), PORT (default 8081), ME_CONFIG_HEALTH_CHECK_PATH (/status)
set -eu
here=$(cd "$(dirname "$0")" && pwd)

export ME_CONFIG_BASICAUTH=${ME_CONFIG_BASICAUTH:-true}
if [ "$ME_CONFIG_BASICAUTH" = "true" ] && \
   [ -z "${ME_CONFIG_BASICAUTH_USERNAME:-}${ME_CONFIG_BASICAUTH_USERNAME_FILE:-}" -o \
     -z "${ME_CONFIG_BASICAUTH_PASSWORD:-}${ME_CONFIG_BASICAUTH_PASSWORD_FILE:-}" ]; then
  echo "start-mongo-express: set ME_CONFIG_BASICAUTH_USERNAME and ME_CONFIG_BASICAUTH_PASSWORD (or *_FILE)," \
       "or ME_CONFIG_BASICAUTH=false" >&2
  exit 2
fi
if [ -z "${ME_CONFIG_MONGODB_URL:-}${ME_CONFIG_MONGODB_URL_FILE:-}" ]; then
  echo "start-mongo-express: set ME_CONFIG_MONGODB_URL (or ME_CONFIG_MONGODB_URL_FILE)" >&2
  exit 2
fi
random_secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# Without these express-session answers 500 to every request.
export ME_CONFIG_SITE_SESSIONSECRET=${ME_CONFIG_SITE_SESSIONSECRET:-$(random_secret)}
export ME_CONFIG_SITE_COOKIESECRET=${ME_CONFIG_SITE_COOKIESECRET:-$(random_secret)}
export VCAP_APP_HOST=${VCAP_APP_HOST:-127.0.0.1} PORT=${PORT:-8081} NODE_ENV=production

# cwd matters: mongo-express reads ./config.js and ./.env from it.
cd "$here/node_modules/mongo-express"
# NODE: the node binary to run (the local engine passes the one it found); the image has it on PATH.
exec "${NODE:-node}" app.js "$@"
