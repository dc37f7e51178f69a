#!/usr/bin/env bash
# make test-containers: builds the six service images from their Dockerfiles as committed, runs the real
# docker-compose.yml under podman (no Docker daemon here) on host ports of its own, waits until every
# container is healthy, and checks every path through the published ports. The stack, its network and
# its volumes are removed at the end, also when a step fails; a failure ends with one line naming the step.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

source "$ROOT/project/containers/steps.sh"

export REGISTRY=${REGISTRY:-local} TAG=${TAG:-latest}
project="suite-containers-test-$$"
work=$(mktemp -d)
socket="$work/podman.sock"
service_pid=""
health_pid=""
compose() { DOCKER_HOST="unix://$socket" docker-compose -p "$project" --env-file "$work/empty.env" -f docker-compose.yml "$@"; }

ours() { podman "$1" ls -q --filter "label=com.docker.compose.project=$project" 2>/dev/null || true; }
cleanup() {
  [ -n "$health_pid" ] && kill "$health_pid" 2>/dev/null
  if [ -n "$service_pid" ]; then
    compose down -v --remove-orphans >"$work/down.log" 2>&1 || cat "$work/down.log"
    kill "$service_pid" 2>/dev/null
    wait "$service_pid" 2>/dev/null
  fi
  # Whatever compose could not remove (e.g. it never got that far): by this run's project label only.
  local containers volumes
  containers=$(podman ps -aq --filter "label=com.docker.compose.project=$project" 2>/dev/null || true)
  [ -n "$containers" ] && podman rm -f $containers >/dev/null 2>&1
  volumes=$(ours volume)
  [ -n "$volumes" ] && podman volume rm -f $volumes >/dev/null 2>&1
  podman network rm -f "${project}_default" >/dev/null 2>&1
  rm -rf "$work"
}
finish() {
  local status=$?
  trap - EXIT
  set +e
  if [ "$status" -ne 0 ] && [ -n "$service_pid" ]; then
    echo "-- containers of the failed run:"
    podman ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}} {{.Status}}'
  fi
  cleanup
  if [ "$status" -ne 0 ]; then
    echo "test-containers FAILED at step: $current (after $(elapsed)s)"
  else
    echo "test-containers passed in $(elapsed)s"
  fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

step "install podman, runc, docker-compose and debootstrap when missing"
bash project/containers/install-tools.sh
podman_env

step "assemble the Node base image (cached)"
bash project/containers/base-image.sh

step "build the six service images"
build_started=$(date +%s)
bash project/containers/build-images.sh
build_seconds=$(($(date +%s) - build_started))

step "check that each image holds only what its dist/ loads"
images=()
for service in "${SERVICES[@]}"; do images+=("$service=$REGISTRY/$service:$TAG"); done
npx tsx project/containers/checks/main.ts images "${images[@]}"

step "build the stand-in images (postgres, rabbitmq, mongo, mailhog, redis, jaeger)"
bash project/containers/build-standins.sh

step "start podman's Docker API"
podman system service --time=0 "unix://$socket" >"$work/podman-service.log" 2>&1 &
service_pid=$!
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || { cat "$work/podman-service.log"; exit 1; }

step "choose free host ports (never the defaults a native run or the host's servers use)"
: >"$work/empty.env"
read -r -a free <<<"$(node project/containers/free-ports.mjs 17)"
export BROKER_HOST_PORT=${free[0]} FRONT_END_HOST_PORT=${free[1]} LOGGER_HOST_PORT=${free[2]} \
  LOGGER_RPC_HOST_PORT=${free[3]} LOGGER_GRPC_HOST_PORT=${free[4]} AUTH_HOST_PORT=${free[5]} \
  MAIL_SERVICE_HOST_PORT=${free[6]} LISTENER_HOST_PORT=${free[7]} POSTGRES_HOST_PORT=${free[8]} \
  MONGO_HOST_PORT=${free[9]} RABBITMQ_HOST_PORT=${free[10]} RABBITMQ_MANAGEMENT_HOST_PORT=${free[11]} \
  MAILHOG_SMTP_HOST_PORT=${free[12]} MAILHOG_UI_HOST_PORT=${free[13]} REDIS_HOST_PORT=${free[14]} \
  JAEGER_UI_HOST_PORT=${free[15]} JAEGER_OTLP_HOST_PORT=${free[16]}
export BROKER_PUBLIC_URL="http://127.0.0.1:$BROKER_HOST_PORT"
# What an operator gives the administrator; the checks sign in with it.
SEED_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
export SEED_PASSWORD
export CORS_ORIGINS="http://127.0.0.1:$FRONT_END_HOST_PORT,http://localhost:$FRONT_END_HOST_PORT"
echo "broker $BROKER_HOST_PORT, page $FRONT_END_HOST_PORT, logger $LOGGER_HOST_PORT, mail viewer $MAILHOG_UI_HOST_PORT"

# podman schedules health checks with systemd timers; without systemd they run only when asked. Started
# before `up`, which itself waits on the data stores' health (depends_on: service_healthy).
(while true; do
  for container in $(podman ps -q --filter "label=com.docker.compose.project=$project"); do
    podman healthcheck run "$container" >/dev/null 2>&1 || true
  done
  sleep 2
done) &
health_pid=$!

step "docker-compose up (the committed docker-compose.yml, images as built)"
compose up -d --no-build

step "wait until every container is healthy"
bash project/containers/wait-healthy.sh "$project" 300

step "check every path through the published ports"
npx tsx project/containers/checks/main.ts paths

step "docker-compose down -v"
compose down -v --remove-orphans
leftovers="$(podman ps -aq --filter "label=com.docker.compose.project=$project")$(ours volume)"
[ -z "$leftovers" ] || { echo "left behind: $leftovers"; exit 1; }

step "summary"
echo "six service images built in ${build_seconds}s"
for service in "${SERVICES[@]}"; do
  podman image inspect --format "{{.Size}}" "$REGISTRY/$service:$TAG" |
    awk -v name="$REGISTRY/$service:$TAG" '{ printf "  %-40s %6.1f MB\n", name, $1 / 1e6 }'
done
