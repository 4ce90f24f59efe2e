#!/usr/bin/env bash
# Runs the Timeline API with the curated data set.
# Without ConnectionStrings__Timeline it starts a private PostgreSQL under .pg/run (installing the
# Debian package when it is missing) and uses the database "timeline" there. Migrations are applied
# and the curated data set is loaded at start-up. ASPNETCORE_URLS chooses the address.
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
export Timeline__LoadCuratedData=${Timeline__LoadCuratedData:-true}
export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://127.0.0.1:5080}

base=${ASPNETCORE_URLS%%;*}
base=$(echo "$base" | sed -E 's#//(\*|\+|0\.0\.0\.0|\[::\])#//localhost#')
echo "Timeline API: $base/v1/events   Swagger UI: $base/swagger   Page: $base/"
exec dotnet run --project src/Timeline.Api -c Release --no-launch-profile
