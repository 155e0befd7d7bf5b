#!/bin/sh
# Install mongo-express from npm into DEST and build its front-end assets (absent from its npm tarball).
# Usage: build-mongo-express.sh DEST   — needs node >= 18.18 and npm. Used by the image recipe (in a
# build stage) and by datastack/images/mongo_express_build.py (on the host), so both run the same build.
# Leaves: DEST/node_modules/mongo-express (with build/ and build-assets.json) and DEST/start-mongo-express.sh.
set -eu

MONGO_EXPRESS_VERSION=1.1.0-rc-4
# Only what building the assets needs: webpack and the two CSS loaders (see build-assets.mjs).
BUILD_TOOLS="webpack@5.102.1 css-loader@7.1.2 style-loader@4.0.0"

here=$(cd "$(dirname "$0")" && pwd)
dest=$1
mkdir -p "$dest/.build-tools"
cd "$dest"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false npm_config_loglevel=error

echo '{"name": "datastack-mongo-express", "private": true}' >package.json
# --ignore-scripts: its `prepublish` would run webpack without its dev dependencies and fail.
npm install --omit=dev --ignore-scripts "mongo-express@$MONGO_EXPRESS_VERSION"

echo '{"private": true}' >.build-tools/package.json
# shellcheck disable=SC2086 # word splitting of the list is intended
npm install --prefix .build-tools --ignore-scripts $BUILD_TOOLS
node "$here/build-assets.mjs" node_modules/mongo-express .build-tools
rm -rf .build-tools

cp "$here/start-mongo-express.sh" "$dest/start-mongo-express.sh"
chmod 0755 "$dest/start-mongo-express.sh"
echo "mongo-express $MONGO_EXPRESS_VERSION installed and built in $dest"
