#!/usr/bin/env bash
# Creates, lists and revokes the API keys editors write with, in the database ./run.sh uses:
#   ./keys.sh create --name alice --role editor    prints the new key once: keep it secret
#   ./keys.sh list
#   ./keys.sh revoke --name alice
# Without ConnectionStrings__Timeline it starts (or reuses) the private PostgreSQL of ./run.sh under
# .pg/run (TIMELINE_PG_PORT, default 54329) and its database "timeline". Migrations are applied first.
set -euo pipefail
cd "$(dirname "$0")"

ConnectionStrings__Timeline=$(scripts/run-database.sh)
export ConnectionStrings__Timeline

dotnet build src/Timeline.Api -c Release -v quiet -nologo >/dev/null
exec dotnet run --project src/Timeline.Api -c Release --no-launch-profile --no-build -- keys "$@"
