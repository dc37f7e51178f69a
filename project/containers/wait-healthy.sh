#!/usr/bin/env bash
# Waits until every container of compose project $1 reports healthy, for at most $2 seconds. On time-out
# it names the containers that are not, with the end of their logs.
set -euo pipefail
project=$1
limit=$2
deadline=$(($(date +%s) + limit))
while true; do
  waiting=()
  containers=$(podman ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}}')
  [ -n "$containers" ] || { echo "no containers of $project are running"; exit 1; }
  for name in $containers; do
    health=$(podman inspect --format '{{.State.Health.Status}}' "$name" 2>/dev/null || echo unknown)
    [ "$health" = healthy ] || waiting+=("$name:$health")
  done
  if [ ${#waiting[@]} -eq 0 ]; then
    echo "all $(wc -w <<<"$containers") containers healthy"
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "not healthy after ${limit}s: ${waiting[*]}"
    for entry in "${waiting[@]}"; do
      echo "-- last log lines of ${entry%%:*}:"
      podman logs --tail 20 "${entry%%:*}" 2>&1 || true
    done
    exit 1
  fi
  sleep 2
done
