#!/usr/bin/env bash
# Runs every test against a real PostgreSQL (a private server under .pg/test, started here, with
# fsync off because its data is thrown away; port TIMELINE_TEST_PG_PORT, default 54330) and prints a
# closing line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

# The browser tests drive Debian's Chromium (tests/Timeline.Api.Tests/Browser); the README's examples,
# which the tests run, use curl and jq.
missing=""
if [ -z "${TIMELINE_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then missing="chromium"; fi
for tool in curl jq; do command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Not found:$missing: installing the Debian packages the tests need…" >&2
    # shellcheck disable=SC2086 # a list of package names
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing) >&2 || echo "Installing$missing failed." >&2
  else
    echo "Not installed:$missing; the tests that need them will fail: run 'sudo apt-get install -y$missing' (or set TIMELINE_CHROMIUM)." >&2
  fi
fi

port=${TIMELINE_TEST_PG_PORT:-54330}
scripts/postgres.sh start test "$port" --fast || exit 1
export TIMELINE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"

# The replication tests (tests/…/Replication) get a primary and a streaming standby of their own
# (.pg/replica, .pg/replica-standby), because they stop, kill and pause them; the scripts' names are
# the ones the tests use to restart them. Ports: the test port + 100 and + 200 unless given.
primary_port=${TIMELINE_TEST_REPLICA_PORT:-$((port + 100))}
standby_port=${TIMELINE_TEST_STANDBY_PORT:-$((port + 200))}
# fsync stays off, but commits wait for their WAL (synchronous_commit on, as in production): the lag
# they measure is real, and a killed primary loses no write it acknowledged.
export TIMELINE_PG_SHARED_BUFFERS=128MB TIMELINE_PG_OPTIONS="-c synchronous_commit=on"
scripts/postgres.sh start replica "$primary_port" --fast || exit 1
scripts/standby.sh start replica-standby "$standby_port" "$primary_port" --fast || exit 1
unset TIMELINE_PG_SHARED_BUFFERS TIMELINE_PG_OPTIONS
export TIMELINE_TEST_REPLICA_PRIMARY="Host=127.0.0.1;Port=$primary_port;Username=postgres;Database=postgres"
export TIMELINE_TEST_REPLICA_STANDBY="Host=127.0.0.1;Port=$standby_port;Username=postgres;Database=postgres"
# The fault tests (tests/…/Faults) freeze, stop and restart a server of their own (.pg/fault), which
# they start themselves on this port.
export TIMELINE_TEST_FAULT_PORT=${TIMELINE_TEST_FAULT_PORT:-$((port + 300))}

log=$(mktemp)
dotnet test Timeline.sln -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi # a build error runs no test: not a pass
echo "$passed passed, $failed failed"
exit "$status"
