#!/usr/bin/env bash
# Runs the Timeline API with the curated data set.
# Without ConnectionStrings__Timeline it starts a private PostgreSQL under .pg/run (installing the
# Debian package when it is missing) and uses the database "timeline" there (port TIMELINE_PG_PORT, default
# 54329). Migrations are applied and the curated data set is loaded at start-up. ASPNETCORE_URLS chooses
# the address (default http://127.0.0.1:5080). A default port that is taken stops the script with a message
# naming the variable to set.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/ports.sh

# The API's default address: when 5080 is taken, say so now, before PostgreSQL and the build.
[ -n "${ASPNETCORE_URLS:-}" ] || require_free_port 5080 "the API" "ASPNETCORE_URLS=http://127.0.0.1:%s ./run.sh"

ConnectionStrings__Timeline=$(scripts/run-database.sh)
export ConnectionStrings__Timeline
export Timeline__LoadCuratedData=${Timeline__LoadCuratedData:-true}
export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://127.0.0.1:5080}

base=${ASPNETCORE_URLS%%;*}
base=$(echo "$base" | sed -E 's#//(\*|\+|0\.0\.0\.0|\[::\])#//localhost#')
echo "Timeline API: $base/v1/events   Swagger UI: $base/swagger   Page: $base/"
exec dotnet run --project src/Timeline.Api -c Release --no-launch-profile
