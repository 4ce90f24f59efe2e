#!/usr/bin/env bash
# Runs the Timeline API with the curated data set.
# Without ConnectionStrings__Timeline it starts a private PostgreSQL under .pg/run (installing the
# Debian package when it is missing) and uses the database "timeline" there. Migrations are applied
# and the curated data set is loaded at start-up. ASPNETCORE_URLS chooses the address.
set -euo pipefail
cd "$(dirname "$0")"

ConnectionStrings__Timeline=$(scripts/run-database.sh)
export ConnectionStrings__Timeline
export Timeline__LoadCuratedData=${Timeline__LoadCuratedData:-true}
export ASPNETCORE_URLS=${ASPNETCORE_URLS:-http://127.0.0.1:5080}

base=${ASPNETCORE_URLS%%;*}
base=$(echo "$base" | sed -E 's#//(\*|\+|0\.0\.0\.0|\[::\])#//localhost#')
echo "Timeline API: $base/v1/events   Swagger UI: $base/swagger   Page: $base/"
exec dotnet run --project src/Timeline.Api -c Release --no-launch-profile
