#!/usr/bin/env bash
# Assembles the Node base image locally (no registry is reachable here) and names it exactly as the
# Dockerfiles' FROM does, so they build unchanged. Skipped when the image is already there.
#
# This is the CI base image, not a published one: it trusts the host's CA bundle so that npm inside a
# build can pass this machine's TLS inspection. That trust never goes into the Dockerfiles.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
podman_env
name=$(base_image_name)
if podman image exists "$name"; then
  echo "base image $name already present"
  exit 0
fi
node_bin=$("$(dirname "$0")/node-binary.sh")

rootfs="$CACHE_DIR/rootfs-bookworm"
if [ ! -x "$rootfs/bin/bash" ]; then
  # The same Debian mirror apt uses on this machine.
  mirror=$(grep -h -m1 -E '^URIs:' /etc/apt/sources.list.d/debian.sources 2>/dev/null | awk '{print $2}')
  rm -rf "$rootfs.tmp"
  debootstrap --variant=minbase bookworm "$rootfs.tmp" ${mirror:+"$mirror"} >/dev/null
  mv "$rootfs.tmp" "$rootfs"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -a "$rootfs" "$work/root"
root="$work/root"
install -m 0755 "$node_bin/node" "$root/usr/local/bin/node"
# npm and npx as the official image has them.
npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$work/npm" "npm@$NPM_VERSION" >/dev/null
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$work/npm/node_modules/npm" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
chroot "$root" groupadd --gid 1000 node
chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/host-ca-bundle.crt"
# What the slim image leaves out too: documentation, manuals, translations, apt's caches.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*

tar -C "$root" -c . | podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca-bundle.crt' \
  --change 'ENV NODE_VERSION='"$(node_version)" \
  --change 'CMD ["node"]' - "localhost/$name" >/dev/null
# Short names resolve to either form depending on the tool, so both carry it.
podman tag "localhost/$name" "docker.io/library/$name"
echo "assembled base image $name"
