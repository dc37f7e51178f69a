#!/usr/bin/env bash
# `make up`, `make up_build`, `make auth`: Docker Compose with an administrator password and no set-up.
# SEED_PASSWORD from the shell or from .env wins; otherwise the one `make run` keeps in
# .data/admin-password (owner-only, made at first use) is given to the authentication-service.
# Usage: COMPOSE="docker compose" bash project/compose-up.sh up -d [...]
set -euo pipefail
cd "$(dirname "$0")/.."
compose=${COMPOSE:-docker compose}

if [ -n "${SEED_PASSWORD:-}" ]; then
  where="from SEED_PASSWORD"
elif [ -f .env ] && grep -Eq '^SEED_PASSWORD=.+' .env; then
  where="SEED_PASSWORD in .env"
else
  file=.data/admin-password
  if [ ! -s "$file" ]; then
    mkdir -p .data
    (umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$file")
  fi
  SEED_PASSWORD=$(tr -d '\n' <"$file")
  export SEED_PASSWORD
  where="cat $file"
fi

# shellcheck disable=SC2086 # COMPOSE is a command with its arguments ("docker compose").
$compose "$@"
echo "Logger admin UI: http://localhost:${LOGGER_HOST_PORT:-8082}/login (${SEED_EMAIL:-admin@example.com}, password: $where)"
