#!/usr/bin/env bash
# Makes sure PostgreSQL, RabbitMQ and Redis answer on their default local ports.
# Quick and silent-ish when all already run; on a Debian/Ubuntu machine with root it installs and
# starts what is missing, saying what it does; elsewhere it prints the command to run.
# Usage: bash project/infra.sh [--check]   (--check only reports, exit 1 when something is down)
set -euo pipefail

PG_HOST=127.0.0.1 PG_PORT=5432 RABBIT_HOST=127.0.0.1 RABBIT_PORT=5672 REDIS_HOST=127.0.0.1 REDIS_PORT=6379
check_only=false
[ "${1:-}" = "--check" ] && check_only=true

say() { printf 'infra: %s\n' "$*"; }
answers() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
can_manage() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_updated=false
apt_install() {
  if ! $apt_updated; then
    say "apt-get update"
    apt-get update -qq
    apt_updated=true
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() { # name host port seconds
  local i
  for ((i = 0; i < $4 * 4; i++)); do
    answers "$2" "$3" && return 0
    sleep 0.25
  done
  say "$1 did not come up on $2:$3 within $4 s"
  return 1
}

start_postgres() {
  command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$version" ]; then
    say "no PostgreSQL cluster found; creating one"
    version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
    pg_createcluster "$version" main >/dev/null
  fi
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for PostgreSQL "$PG_HOST" "$PG_PORT" 30
  # Debian asks for a password over TCP; give postgres the one the suite's default DATABASE_URL uses.
  su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'password'\"" >/dev/null
  say "PostgreSQL user postgres has password 'password' (the default DATABASE_URL)"
}

start_rabbitmq() {
  command -v rabbitmq-server >/dev/null 2>&1 || apt_install rabbitmq-server
  say "starting RabbitMQ"
  rabbitmq-server -detached >/dev/null 2>&1 || true
  # await_startup fails until the node has registered with epmd, so retry it.
  for _ in $(seq 1 120); do
    rabbitmqctl -q await_startup --timeout 60 >/dev/null 2>&1 && break
    sleep 0.5
  done
  wait_for RabbitMQ "$RABBIT_HOST" "$RABBIT_PORT" 30
}

# The login and mail limits' counters: nothing needs to survive a restart (the windows are minutes),
# so it keeps nothing on disk, and it listens on the loopback address only.
start_redis() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  say "starting Redis"
  redis-server --bind "$REDIS_HOST" --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes >/dev/null
  wait_for Redis "$REDIS_HOST" "$REDIS_PORT" 15
}

ensure() { # name host port start-function
  if answers "$2" "$3"; then
    say "$1 answers on $2:$3"
  elif $check_only || ! can_manage; then
    say "$1 is not running on $2:$3. Start it with: sudo bash project/infra.sh (Debian), or 'make up' for Docker Compose"
    return 1
  else
    "$4"
  fi
}

status=0
ensure PostgreSQL "$PG_HOST" "$PG_PORT" start_postgres || status=1
ensure RabbitMQ "$RABBIT_HOST" "$RABBIT_PORT" start_rabbitmq || status=1
ensure Redis "$REDIS_HOST" "$REDIS_PORT" start_redis || status=1
exit $status
