#!/usr/bin/env bash
# Generates a synthetic data set for load tests and benchmarks, in a database of its own.
#   scripts/synthetic.sh --events 100000 [--seed 42] [--port 54329]
# Creates timeline_synthetic_<events> afresh on the run PostgreSQL (scripts/postgres.sh start run <port>;
# TIMELINE_PG_PORT also sets the port), migrates it with the app's own migrator, then fills it with
# scripts/synthetic.sql. Same size and seed give the same data. The curated data set is never loaded there.
set -euo pipefail
cd "$(dirname "$0")/.."

events=100000 seed=42 port=${TIMELINE_PG_PORT:-54329}
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "usage: $0 --events N [--seed S] [--port P]" >&2; exit 2 ;;
  esac
done
[[ "$events" =~ ^[0-9]+$ && "$events" -ge 1 && "$events" -le 9999999 ]] || { echo "--events must be 1–9999999" >&2; exit 2; }
[[ "$seed" =~ ^[0-9]+$ ]] || { echo "--seed must be a whole number" >&2; exit 2; }

db="timeline_synthetic_$events"
scripts/postgres.sh start run "$port"
psql="$(ls -d /usr/lib/postgresql/*/bin | tail -1)/psql"
sql() { PGOPTIONS="-c client_min_messages=warning" "$psql" -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 "$@"; }

echo "Creating $db on 127.0.0.1:$port (events=$events, seed=$seed)…" >&2
sql -d postgres -qc "drop database if exists $db with (force)"
sql -d postgres -qc "create database $db"

# The schema comes from the app's migrator, exactly as a deployment gets it.
dotnet build src/Timeline.Api -c Release -v quiet -nologo >/dev/null
ConnectionStrings__Timeline="Host=127.0.0.1;Port=$port;Username=postgres;Database=$db" \
  Timeline__MigrateOnly=true Timeline__LoadCuratedData=false \
  dotnet src/Timeline.Api/bin/Release/net10.0/Timeline.Api.dll >/dev/null

start=$(date +%s)
sql -d "$db" -q -v events="$events" -v seed="$seed" -f scripts/synthetic.sql
# Reads send each event's stored JSON: the app's own renderer (the one every write uses) renders the
# rows the SQL above wrote, at start-up, then stops.
ConnectionStrings__Timeline="Host=127.0.0.1;Port=$port;Username=postgres;Database=$db" \
  Timeline__MigrateOnly=true Timeline__LoadCuratedData=false \
  dotnet src/Timeline.Api/bin/Release/net10.0/Timeline.Api.dll >/dev/null
# The trigger added each event's words as the events came, so the word index grew by page splits: it is
# built again in key order (at 1M events, 3.5 GB for the table and index instead of 4.7 GB).
sql -d "$db" -q -c "set maintenance_work_mem = '1GB'" -c "reindex table event_words"
sql -d "$db" -qc "vacuum analyze events, event_search, event_words"
echo "$db ready in $(( $(date +%s) - start )) s" >&2
