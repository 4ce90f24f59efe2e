#!/usr/bin/env bash
# Prints the connection string of the database ./run.sh and ./keys.sh use: ConnectionStrings__Timeline
# when it is set, otherwise the database "timeline" on a private PostgreSQL under .pg/run (port
# TIMELINE_PG_PORT, default 54329), which it starts and creates when needed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${ConnectionStrings__Timeline:-}" ]; then
  echo "$ConnectionStrings__Timeline"
  exit 0
fi
port=${TIMELINE_PG_PORT:-54329}
scripts/postgres.sh start run "$port" >&2
psql="$(ls -d /usr/lib/postgresql/*/bin | tail -1)/psql"
if ! "$psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc "select 1 from pg_database where datname = 'timeline'" | grep -q 1; then
  "$psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "create database timeline" >&2
fi
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=timeline"
