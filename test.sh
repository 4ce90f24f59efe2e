#!/usr/bin/env bash
# Runs every test against a real PostgreSQL (a private server under .pg/test, started here, with
# fsync off because its data is thrown away) and prints a closing line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

scripts/postgres.sh start test "${TIMELINE_TEST_PG_PORT:-54330}" --fast || exit 1
export TIMELINE_TEST_POSTGRES="Host=127.0.0.1;Port=${TIMELINE_TEST_PG_PORT:-54330};Username=postgres;Database=postgres"

log=$(mktemp)
dotnet test Timeline.sln -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi # a build error runs no test: not a pass
echo "$passed passed, $failed failed"
exit "$status"
