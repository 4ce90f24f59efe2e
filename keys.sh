#!/usr/bin/env bash
# Creates, lists and revokes the API keys editors write with, in the database ./run.sh uses:
#   ./keys.sh create --name alice --role editor    prints the new key once: keep it secret
#   ./keys.sh list
#   ./keys.sh revoke --name alice
# Without ConnectionStrings__Timeline it starts (or reuses) the private PostgreSQL of ./run.sh under
# .pg/run (TIMELINE_PG_PORT, default 54329) and its database "timeline". Migrations are applied first.
set -euo pipefail
cd "$(dirname "$0")"

if [ -z "${ConnectionStrings__Timeline:-}" ]; then
  port=${TIMELINE_PG_PORT:-54329}
  scripts/postgres.sh start run "$port"
  psql="$(ls -d /usr/lib/postgresql/*/bin | tail -1)/psql"
  if ! "$psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc "select 1 from pg_database where datname = 'timeline'" | grep -q 1; then
    "$psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "create database timeline"
  fi
  export ConnectionStrings__Timeline="Host=127.0.0.1;Port=$port;Username=postgres;Database=timeline"
fi

dotnet build src/Timeline.Api -c Release -v quiet -nologo >/dev/null
exec dotnet run --project src/Timeline.Api -c Release --no-launch-profile --no-build -- keys "$@"
