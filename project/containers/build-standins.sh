#!/usr/bin/env bash
# Builds the test-only stand-ins for the third-party images, tagged with the names docker-compose.yml and
# project/swarm.yml use (and their docker.io spellings, which is how podman's Docker API looks short names
# up). With no argument the six docker-compose.yml runs; name them to choose (caddy is test-swarm's).
# Usage: build-standins.sh [postgres] [rabbitmq] [mongo] [mailhog] [redis] [jaeger] [caddy]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
podman_env
cd "$ROOT"
dir=project/containers/standins

build() { # <compose image name> <podman build arguments...>
  local name=$1 started
  shift
  started=$(date +%s)
  if ! podman build --format docker --pull=never -t "$name" "$@" >"$CACHE_DIR/build-standin-${name//[\/:]/-}.log" 2>&1; then
    tail -n 30 "$CACHE_DIR/build-standin-${name//[\/:]/-}.log" >&2
    echo "building the $name stand-in failed" >&2
    exit 1
  fi
  case $name in
    */*) podman tag "$name" "docker.io/$name" ;;
    *) podman tag "$name" "docker.io/library/$name" ;;
  esac
  echo "built stand-in $name in $(($(date +%s) - started))s"
}

node_standins=(-f "$dir/node-standins.Dockerfile" --ignorefile "$dir/standins.dockerignore" .)
for standin in "${@:-postgres rabbitmq mongo mailhog redis jaeger}"; do
  for one in $standin; do
    case $one in
      postgres) build postgres:16 "$dir/postgres" ;;
      rabbitmq) build rabbitmq:3-management "$dir/rabbitmq" ;;
      mongo) build mongo:7 --target mongo "${node_standins[@]}" ;;
      mailhog) build mailhog/mailhog:latest --target mailhog "${node_standins[@]}" ;;
      redis) build redis:7 "$dir/redis" ;;
      jaeger) build jaegertracing/all-in-one:1.62.0 --target jaeger "${node_standins[@]}" ;;
      caddy) build caddy:2-alpine "$dir/caddy" ;;
      *) echo "no stand-in named $one" >&2; exit 1 ;;
    esac
  done
done
