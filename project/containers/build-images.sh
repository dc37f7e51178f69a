#!/usr/bin/env bash
# Builds the six service images from their Dockerfiles as committed, named as docker-compose.yml names
# them (${REGISTRY:-local}/<service>:${TAG:-latest}). `--format docker` keeps HEALTHCHECK, which the
# default OCI format silently drops.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
podman_env
cd "$ROOT"
registry=${REGISTRY:-local}
tag=${TAG:-latest}
for service in "${@:-${SERVICES[@]}}"; do
  started=$(date +%s)
  if ! podman build --format docker --pull=never -f "$service/Dockerfile" -t "$registry/$service:$tag" . \
    >"$CACHE_DIR/build-$service.log" 2>&1; then
    tail -n 30 "$CACHE_DIR/build-$service.log" >&2
    echo "building $service/Dockerfile failed (full log: $CACHE_DIR/build-$service.log)" >&2
    exit 1
  fi
  echo "built $registry/$service:$tag in $(($(date +%s) - started))s"
done
