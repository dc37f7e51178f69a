#!/bin/bash
# The PostgreSQL role authentication-service connects as: it owns its database and nothing else (no
# superuser, CREATEDB or CREATEROLE; no other role may connect to that database). The postgres image
# runs this once, on an empty volume, from /docker-entrypoint-initdb.d; run by hand it brings a server
# made earlier to the same state and hands the tables already there to the role (project/DEPLOY.md).
# Reads POSTGRES_USER (the superuser), AUTH_DB_USER, AUTH_DB_PASSWORD and AUTH_DB_NAME; the password
# stays in the environment (psql's \getenv), never on a command line.
set -euo pipefail
: "${POSTGRES_USER:?}" "${AUTH_DB_USER:?}" "${AUTH_DB_PASSWORD:?}" "${AUTH_DB_NAME:?}"

psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$POSTGRES_USER"
  -v role="$AUTH_DB_USER" -v database="$AUTH_DB_NAME")

"${psql[@]}" --dbname postgres <<'SQL'
\getenv password AUTH_DB_PASSWORD
SELECT format('CREATE ROLE %I', :'role')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'password'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'role')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
ALTER DATABASE :"database" OWNER TO :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL

# Tables the superuser made before the role existed become the role's, or its migrations fail.
"${psql[@]}" --dbname "$AUTH_DB_NAME" <<'SQL'
SELECT format('ALTER TABLE %I.%I OWNER TO %I', schemaname, tablename, :'role')
  FROM pg_tables WHERE schemaname = 'public' AND tableowner <> :'role' \gexec
SQL
