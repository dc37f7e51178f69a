#!/bin/sh
# mongo:7's settings mapped onto the stand-in's: the root user, all interfaces, data kept in the volume.
set -eu
export MONGO_STANDIN_HOST=0.0.0.0 MONGO_STANDIN_PORT=27017 MONGO_STANDIN_FILE=/data/db/standin.json
if [ -n "${MONGO_INITDB_ROOT_USERNAME:-}" ]; then
  export MONGO_STANDIN_USER="$MONGO_INITDB_ROOT_USERNAME" MONGO_STANDIN_PASSWORD="$MONGO_INITDB_ROOT_PASSWORD"
fi
mkdir -p /data/db
exec node /app/project/mongo-standin/dist/main.js
