#!/bin/sh
# The assistant's database and its owner, a role that is NOT a superuser (as
# deploy/services.sh makes them on one machine). The postgres image runs this once, on an
# empty data directory (/docker-entrypoint-initdb.d); Rasa creates its `events` table.
# The password comes from the environment and reaches psql through \getenv, never on a
# command line. compose.yaml mounts this file; deploy/k8s/overlays/in-cluster has a copy
# that tests/deploy/test_containers.py keeps identical.
set -eu
: "${TRACKER_DB_USER:?}" "${TRACKER_DB_NAME:?}" "${TRACKER_DB_PASSWORD:?}"
psql -X -q -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
    -v app_user="$TRACKER_DB_USER" -v app_db="$TRACKER_DB_NAME" <<'SQL'
\getenv app_password TRACKER_DB_PASSWORD
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"app_db" TO :"app_user";
SQL
