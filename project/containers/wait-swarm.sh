#!/usr/bin/env bash
# Waits, for at most $2 seconds, until every service of stack $1 runs all its replicas, every container
# with a health check reports healthy, and Caddy answers the page, the broker and the admin UI on its
# published ports (run from the stack's network namespace, $NETNS). On time-out it names what is not
# ready, with the end of its logs. Needs DOCKER_HOST.
set -euo pipefail
stack=$1
limit=$2
deadline=$(($(date +%s) + limit))
answers() { nsenter --net="/run/netns/$NETNS" node -e "
fetch(process.argv[1], { signal: AbortSignal.timeout(3000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
" "$1"; }
while true; do
  waiting=()
  while read -r name replicas; do
    [ "${replicas%%/*}" = "${replicas##*/}" ] || waiting+=("$name:$replicas")
  done < <(docker service ls --filter "label=com.docker.stack.namespace=$stack" --format '{{.Name}} {{.Replicas}}')
  while read -r name status; do
    case $status in
      *"(healthy)"* | "") ;;
      *"(health: starting)"* | *"(unhealthy)"*) waiting+=("$name:${status##*(}") ;;
    esac
  done < <(docker ps --filter "label=com.docker.stack.namespace=$stack" --format '{{.Names}} {{.Status}}')
  if [ ${#waiting[@]} -eq 0 ]; then
    for url in http://127.0.0.1/ http://127.0.0.1/api/ http://127.0.0.1:8082/login; do
      answers "$url" || waiting+=("caddy:$url")
    done
  fi
  if [ ${#waiting[@]} -eq 0 ]; then
    echo "every service of $stack runs all its replicas, healthy, and Caddy answers"
    docker service ls --filter "label=com.docker.stack.namespace=$stack" --format '  {{.Name}} {{.Replicas}}'
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "not ready after ${limit}s: ${waiting[*]}"
    for entry in "${waiting[@]}"; do
      service=${entry%%:*}
      service=${service%%.*}
      echo "-- $service:"
      docker service ps --no-trunc --format '{{.Name}} {{.CurrentState}} {{.Error}}' "$service" 2>/dev/null | head -5
      docker service logs --tail 15 "$service" 2>&1 | tail -n 15 || true
    done
    exit 1
  fi
  sleep 2
done
