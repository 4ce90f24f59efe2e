#!/usr/bin/env bash
# Benchmarks the API on synthetic data, on 127.0.0.1 only.
#   scripts/benchmark.sh 100000        (or 1000000; any size scripts/synthetic.sh accepts)
# Generates timeline_synthetic_<N> when it is missing (seed 42), builds and starts the API in Release
# against it, and measures:
#   - the event list, a single event (random ids) and full-text search with wrk: requests/s, p50, p99;
#   - every export format, each on a fresh API process warmed by one empty export of that format: time
#     to first byte, seconds, MB/s, and the server's peak memory growth (VmHWM after the export minus
#     VmRSS before it; the peak is reset through /proc/PID/clear_refs first, so start-up does not count).
# Writes a markdown table to benchmarks/results/synthetic-<N>.md and prints it. Stops the API by PID.
# Settings: TIMELINE_PG_PORT (PostgreSQL, default 54329), BENCH_HTTP_PORT (default 5090),
# BENCH_SECONDS (wrk duration per endpoint, default 10), BENCH_CONNECTIONS (default 16).
set -euo pipefail
cd "$(dirname "$0")/.."

events=${1:?usage: scripts/benchmark.sh EVENTS   e.g. 100000 or 1000000}
[[ "$events" =~ ^[0-9]+$ ]] || { echo "EVENTS must be a number" >&2; exit 2; }
seed=42
pg_port=${TIMELINE_PG_PORT:-54329}
http_port=${BENCH_HTTP_PORT:-5090}
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-16}
base="http://127.0.0.1:$http_port"
db="timeline_synthetic_$events"
out="benchmarks/results/synthetic-$events.md"

for tool in wrk curl; do
  if ! command -v "$tool" >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "$tool is missing: sudo apt-get install -y $tool" >&2; exit 1; }
    echo "Installing $tool…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null; }
  fi
done

scripts/postgres.sh start run "$pg_port"
psql="$(ls -d /usr/lib/postgresql/*/bin | tail -1)/psql"
comment=$("$psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -Atc \
  "select shobj_description(oid, 'pg_database') from pg_database where datname = '$db'")
if [ "$comment" != "synthetic events=$events seed=$seed" ]; then
  scripts/synthetic.sh --events "$events" --seed "$seed" --port "$pg_port"
fi

dotnet build src/Timeline.Api -c Release -v quiet -nologo >/dev/null
dll=src/Timeline.Api/bin/Release/net10.0/Timeline.Api.dll

api_pid=
stop_api() {
  if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then
    kill "$api_pid"; wait "$api_pid" 2>/dev/null || true
  fi
  api_pid=
}
trap stop_api EXIT

start_api() {
  stop_api
  ConnectionStrings__Timeline="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$db" \
    ASPNETCORE_URLS="$base" Timeline__LoadCuratedData=false Logging__LogLevel__Default=Warning \
    dotnet "$dll" >/tmp/timeline-benchmark-api.log 2>&1 &
  api_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "$base/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$api_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "The API did not become ready; see /tmp/timeline-benchmark-api.log" >&2
  exit 1
}

kb() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$api_pid/status"; }

# wrk → "requests/s|p50|p99" (latencies as wrk prints them, e.g. 3.21ms)
load() {
  local path=$1 script=${2:-}
  local args=(-t2 "-c$connections" "-d${seconds}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  wrk "${args[@]}" -d2s "$base$path" >/dev/null # warm-up: JIT, connection pool, PostgreSQL caches
  local result
  result=$(wrk "${args[@]}" "$base$path")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$result")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$result")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$result")
  non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$result")
  [ -z "$non2xx" ] || echo "warning: $non2xx non-2xx responses on $path" >&2
  echo "$rps|$p50|$p99"
}

mkdir -p benchmarks/results
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
{
  echo "# Benchmark: $events synthetic events"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit, $(nproc) cores ($cpu), PostgreSQL $("$psql" --version | awk '{print $3}'), .NET $(dotnet --version)."
  echo "Load generator, API and PostgreSQL share the machine: compare rows of one run, not machines."
  echo "wrk: 2 threads, $connections connections, ${seconds}s per endpoint after a 2 s warm-up."
  echo
  echo "| endpoint | requests/s | p50 | p99 |"
  echo "|---|---:|---:|---:|"
} >"$out.tmp"

echo "Starting the API on $base against $db…" >&2
start_api
lua=$(mktemp --suffix=.lua)
cat >"$lua" <<EOF
math.randomseed(42)
request = function()
  return wrk.format("GET", string.format("/v1/events/synthetic-%07d", math.random(1, $events)))
end
EOF
for row in "list (first page of 20)|/v1/events?limit=20|" \
           "list, date window (2024, page of 50)|/v1/events?from=2024-01-01&to=2024-12-31&limit=50|" \
           "single event (random id)|/v1/events/synthetic-0000001|$lua" \
           "full-text search (q=drone)|/v1/events?q=drone&limit=20|"; do
  IFS='|' read -r name path script <<<"$row"
  echo "  load: $name" >&2
  IFS='|' read -r rps p50 p99 <<<"$(load "$path" "$script")"
  echo "| $name | $rps | $p50 | $p99 |" >>"$out.tmp"
done
rm -f "$lua"

{
  echo
  echo "Exports of the whole data set (published events; GeoJSON only those with coordinates), each on a fresh API process after one empty export of the same format:"
  echo
  echo "| format | events | MB | first byte (s) | seconds | MB/s | peak memory growth (MB) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
} >>"$out.tmp"
for format in json ndjson csv timelinejs ics geojson; do
  echo "  export: $format" >&2
  start_api
  # One empty export of the same format first: the baseline then holds the JIT-compiled code and the
  # connection pool, and the figure is what the data costs.
  curl -s -o /dev/null "$base/v1/timeline?format=$format&from=2100-01-01"
  echo 5 >"/proc/$api_pid/clear_refs" 2>/dev/null || true # reset VmHWM to the current RSS
  before=$(kb VmRSS)
  body=$(mktemp)
  metrics=$(curl -s -o "$body" -w '%{time_starttransfer} %{time_total} %{size_download} %{http_code}' "$base/v1/timeline?format=$format")
  peak=$(kb VmHWM)
  read -r ttfb total size code <<<"$metrics"
  case $format in
    json) n=$(grep -o '"wikidataQid": ' "$body" | wc -l) ;; # a key only events have
    timelinejs) n=$(grep -o '"unique_id":' "$body" | wc -l) ;;
    ndjson) n=$(wc -l <"$body") ;;
    csv) n=$(grep -c $'\r$' "$body"); n=$((n - 1)) ;; # CRLF ends each record (a summary's own line breaks are LF)
    ics) n=$(grep -c '^BEGIN:VEVENT' "$body") ;;
    geojson) n=$(grep -o '"type":"Feature",' "$body" | wc -l) ;;
  esac
  rm -f "$body"
  [ "$code" = 200 ] || echo "warning: export $format answered $code" >&2
  awk -v f="$format" -v n="$n" -v s="$size" -v tt="$ttfb" -v t="$total" -v b="$before" -v p="$peak" 'BEGIN {
    printf "| %s | %d | %.1f | %.3f | %.1f | %.1f | %.1f |\n", f, n, s / 1e6, tt, t, s / 1e6 / t, (p - b) / 1024 }' >>"$out.tmp"
done
stop_api

mv "$out.tmp" "$out"
cat "$out"
echo >&2
echo "Written to $out" >&2
