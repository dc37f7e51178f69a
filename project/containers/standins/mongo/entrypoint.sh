#!/bin/sh
# mongo:7's settings mapped onto the stand-in's: the root user, all interfaces, data kept in the volume.
# The stand-in holds one user. When the stack gives the variables of its init script (project/swarm.yml
# mounts k8s/initdb/mongo-logger-user.js, which makes the logger's own user), that one user is the
# logger's, which is all the services use; the root user exists only for that script, which a real
# mongo:7 runs and the stand-in does not.
set -eu
export MONGO_STANDIN_HOST=0.0.0.0 MONGO_STANDIN_PORT=27017 MONGO_STANDIN_FILE=/data/db/standin.json
if [ -n "${LOGGER_MONGO_USER:-}" ] && [ -n "${LOGGER_MONGO_PASSWORD:-}" ]; then
  export MONGO_STANDIN_USER="$LOGGER_MONGO_USER" MONGO_STANDIN_PASSWORD="$LOGGER_MONGO_PASSWORD"
elif [ -n "${MONGO_INITDB_ROOT_USERNAME:-}" ]; then
  export MONGO_STANDIN_USER="$MONGO_INITDB_ROOT_USERNAME" MONGO_STANDIN_PASSWORD="$MONGO_INITDB_ROOT_PASSWORD"
fi
mkdir -p /data/db
exec node /app/project/mongo-standin/dist/main.js
