#!/usr/bin/env bash
# make test-swarm: deploys the real project/swarm.yml (with project/swarm.no-ipvs.yml, since this kernel
# has no IPVS) on a one-node Docker Swarm and checks what the suite promises at two replicas: every path
# of the page through Caddy's published ports, the admin UI, events stored exactly once while a listener
# and a logger replica are killed, no answered request lost in a rolling update of the broker, limits and
# admin sessions shared across replicas.
#
# It runs its own dockerd, in a private network namespace (never the host's: dockerd would change the
# host's forwarding rules, and `swarm init` binds ports on every interface), with its own socket and data
# directory under the containers cache; on exit, failure included, the stack, the swarm, dockerd and the
# namespace go away (the loaded images stay in the data directory for the next run). The images are built
# with podman as `make test-containers` builds them (from its cache when it just ran) and moved across
# with `podman save | docker load` when they changed. Prints the time of each step, and
# `test-swarm FAILED at step: <step>` when one fails.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

source "$ROOT/project/containers/steps.sh"

STACK=suite
NETNS=suite-swarm-test
export NETNS
SWARM_DIR="$CACHE_DIR/swarm"
SOCKET="$SWARM_DIR/docker.sock"
# dockerd's runtime state (containerd's and libnetwork's sockets) needs a short path: a socket's is at
# most 107 bytes.
RUN_DIR=/run/suite-swarm-test
export DOCKER_HOST="unix://$SOCKET"
export REGISTRY=${REGISTRY:-local} TAG=${TAG:-latest}
work=$(mktemp -d)
dockerd_pid=""

# Everything that must reach the stack's published ports runs in its network namespace.
in_netns() { nsenter --net="/run/netns/$NETNS" "$@"; }

cleanup() {
  if [ -n "$dockerd_pid" ] && kill -0 "$dockerd_pid" 2>/dev/null; then
    docker stack rm "$STACK" >/dev/null 2>&1 || true
    docker service rm suite-test-relay >/dev/null 2>&1 || true
    # Volumes can go only once their containers have.
    for _ in $(seq 60); do
      [ -z "$(docker ps -aq --filter "label=com.docker.stack.namespace=$STACK")" ] && break
      sleep 1
    done
    docker volume ls -q --filter "label=com.docker.stack.namespace=$STACK" | xargs -r docker volume rm -f >/dev/null 2>&1 || true
    docker swarm leave --force >/dev/null 2>&1 || true
    kill "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$dockerd_pid" 2>/dev/null || true
  fi
  # Whatever dockerd left behind in the namespace (its containerd, a proxy) dies with it.
  if [ -e "/run/netns/$NETNS" ]; then
    for pid in $(ip netns pids "$NETNS" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$NETNS" 2>/dev/null || true
  fi
  rm -rf "$work"
}
finish() {
  local status=$?
  trap - EXIT
  set +e
  close_step
  if [ "$status" -ne 0 ] && [ -n "$dockerd_pid" ]; then
    echo "-- services of the failed run:"
    docker service ls 2>/dev/null
    docker ps -a --format '{{.Names}} {{.Status}}' 2>/dev/null | head -40
    echo "-- last lines of dockerd's log:"
    tail -n 15 "$work/dockerd.log" 2>/dev/null
  fi
  cleanup
  echo
  echo "step times:"
  printf '%s\n' "${timings[@]}"
  if [ "$status" -ne 0 ]; then
    echo "test-swarm FAILED at step: $current (after $(elapsed)s)"
  else
    echo "test-swarm passed in $(elapsed)s"
  fi
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

step "install docker.io and iptables when missing"
bash project/containers/install-tools.sh
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
podman_env
# Debian's client, the daemon's own version, before any other `docker` on PATH (e.g. a newer CLI in
# /usr/local/bin).
mkdir -p "$work/bin"
ln -s /usr/bin/docker "$work/bin/docker"
export PATH="$work/bin:$PATH"
docker --version

step "the images in podman (built as make test-containers builds them: cached layers when it just ran)"
service_images=()
for service in "${SERVICES[@]}"; do service_images+=("$REGISTRY/$service:$TAG"); done
standins=(postgres:16 mongo:7 rabbitmq:3-management mailhog/mailhog:latest redis:7 jaegertracing/all-in-one:1.62.0 caddy:2-alpine)
# Always built, so a change to the code since the last build is what gets deployed; when nothing
# changed every layer comes from podman's cache and the image (and its id) stays the same.
bash project/containers/base-image.sh
bash project/containers/build-images.sh
bash project/containers/build-standins.sh postgres rabbitmq mongo mailhog redis jaeger caddy

step "start dockerd in network namespace $NETNS (own socket and data directory)"
if [ -e "/run/netns/$NETNS" ]; then
  # A run that was killed outright (no trap) left it: nothing of ours runs in it any more.
  for pid in $(ip netns pids "$NETNS"); do kill -9 "$pid" 2>/dev/null || true; done
  ip netns delete "$NETNS"
fi
ip netns add "$NETNS"
ip netns exec "$NETNS" ip link set lo up
mkdir -p "$RUN_DIR" "$SWARM_DIR/data"
rm -f "$SOCKET"
# `ip netns exec` would remount /sys (dockerd then finds no devices cgroup); nsenter only switches the network.
# Not through in_netns: a function in the background is a subshell, and $! must be dockerd itself (nsenter
# execs it) so that cleanup stops it with SIGTERM and lets it stop its containerd.
nsenter --net="/run/netns/$NETNS" dockerd --data-root "$SWARM_DIR/data" --exec-root "$RUN_DIR" \
  --pidfile "$RUN_DIR/dockerd.pid" -H "$DOCKER_HOST" --storage-driver overlay2 >"$work/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 150); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
docker info --format 'dockerd {{.ServerVersion}}, {{.Driver}}, cgroup {{.CgroupVersion}}'

step "docker swarm init"
docker swarm leave --force >/dev/null 2>&1 || true
docker swarm init --advertise-addr 127.0.0.1 >/dev/null
docker node ls --format '{{.Hostname}} {{.Status}} {{.ManagerStatus}}'

step "move the images from podman to docker (podman save | docker load)"
wanted=("${service_images[@]}" "${standins[@]}")
to_move=()
for image in "${wanted[@]}"; do
  id=$(podman image inspect --format '{{.Id}}' "$image")
  [ "$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null)" = "sha256:$id" ] || to_move+=("$image")
done
if [ ${#to_move[@]} -gt 0 ]; then
  # One archive: the layers the images share (the Node base) travel once.
  podman save -m --format docker-archive "${to_move[@]}" 2>/dev/null | docker load >"$work/load.log"
  for image in "${to_move[@]}"; do
    docker tag "sha256:$(podman image inspect --format '{{.Id}}' "$image")" "$image"
  done
fi
echo "${#to_move[@]} of ${#wanted[@]} images moved; the rest were loaded by an earlier run"

step "docker stack deploy (project/swarm.yml + project/swarm.no-ipvs.yml)"
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
SEED_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
SESSION_SECRET=$(hex 32)
POSTGRES_PASSWORD=$(hex 24) AUTH_DB_PASSWORD=$(hex 24) MONGO_ROOT_PASSWORD=$(hex 24)
LOGGER_MONGO_PASSWORD=$(hex 24) RABBITMQ_PASSWORD=$(hex 24) REDIS_PASSWORD=$(hex 24)
# The page, and so the broker's CORS origin, as the checks open it: Caddy's port 80 on this namespace.
export PUBLIC_URL=http://127.0.0.1
# Tracing on, as DEPLOY.md tells an operator to turn it on, so the checks can find a click's trace in Jaeger.
export OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4318
export SEED_PASSWORD SESSION_SECRET POSTGRES_PASSWORD AUTH_DB_PASSWORD MONGO_ROOT_PASSWORD \
  LOGGER_MONGO_PASSWORD RABBITMQ_PASSWORD REDIS_PASSWORD
docker stack deploy --resolve-image never -c project/swarm.yml -c project/swarm.no-ipvs.yml "$STACK"

step "wait until every task runs, every container is healthy and Caddy answers"
bash project/containers/wait-swarm.sh "$STACK" 420
# A relay on the stack's network, for the checks only: MongoDB, the mail catcher and Jaeger are not published.
relay_code='const net=require("node:net");for(const [port,host] of [[27017,"mongo"],[8025,"mailhog"],[16686,"jaeger"]])net.createServer((c)=>{const u=net.connect(port,host);c.pipe(u).pipe(c);c.on("error",()=>u.destroy());u.on("error",()=>c.destroy());}).listen(port);'
docker service create --quiet --detach --name suite-test-relay --network "${STACK}_suite" --no-healthcheck \
  --endpoint-mode dnsrr --publish mode=host,published=27017,target=27017 \
  --publish mode=host,published=8025,target=8025 --publish mode=host,published=16686,target=16686 \
  "$REGISTRY/broker-service:$TAG" node -e "$relay_code" >/dev/null
for _ in $(seq 120); do
  in_netns bash -c 'exec 3<>/dev/tcp/127.0.0.1/27017' 2>/dev/null && break
  sleep 0.5
done

checks() { in_netns npx tsx project/containers/checks/main.ts swarm "$@"; }
export SWARM_STACK=$STACK

step "check every path of the page and the admin UI through Caddy's published ports"
checks paths

step "check limits and admin sessions across replicas"
checks replicas

step "fault: 1,000 events while a listener replica and a logger replica are killed"
checks kill-during-events

step "fault: rolling update of the broker under a steady light load"
checks rolling-update

step "docker stack rm"
docker service rm suite-test-relay >/dev/null
docker stack rm "$STACK" >/dev/null
for _ in $(seq 90); do
  [ -z "$(docker ps -aq --filter "label=com.docker.stack.namespace=$STACK")" ] && break
  sleep 1
done
left=$(docker ps -aq --filter "label=com.docker.stack.namespace=$STACK")
[ -z "$left" ] || { echo "containers left behind: $left"; exit 1; }
