#!/usr/bin/env bash
# Installs what the container test needs from Debian when it is missing: podman (builds and runs the
# images without a Docker daemon), docker-compose (runs the real compose file against podman's Docker API)
# and debootstrap (assembles the base image, since no image registry is reachable).
set -euo pipefail
missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
