#!/usr/bin/env bash
# Benchmarks the API on synthetic data beside reference servers, on 127.0.0.1 only.
#   scripts/benchmark.sh 100000        (or 1000000; any size scripts/synthetic.sh accepts)
# 1. Generates timeline_synthetic_<N> when it is missing (seed 42).
# 2. Starts the API in Release against it, configured as shipped (appsettings.json).
# 3. Runs the side-by-side harness (BENCH_DIR, default ../shared/bench; its README explains it): a raw
#    Npgsql "limit" server, a Node peer and a plain Dapper server on the same machine, the same request
#    sequence, interleaved rounds. Absolute figures drift on a shared machine; ratios from one run do not.
# 4. Exports every format on a fresh API process: first byte, MB/s (and its ratio to the limit's export
#    in the same run), and the server's peak memory growth (VmHWM after minus VmRSS before, the peak reset
#    through /proc/PID/clear_refs after a warm-up export of the same format, which compiles the code).
# 5. Measures write latency: creates and revisions through the API, each re-rendering what it touches.
# Writes benchmarks/results/synthetic-<N>.md and prints it. Stops what it started by PID.
# Settings: TIMELINE_PG_PORT (default 54329), BENCH_HTTP_PORT (default 5090, what the harness expects),
# BENCH_WRITES (default 100), and the harness's own knobs (DURATION, ROUNDS, SCENARIOS, …).
set -euo pipefail
cd "$(dirname "$0")/.."

events=${1:?usage: scripts/benchmark.sh EVENTS   e.g. 100000 or 1000000}
[[ "$events" =~ ^[0-9]+$ ]] || { echo "EVENTS must be a number" >&2; exit 2; }
seed=42
pg_port=${TIMELINE_PG_PORT:-54329}
http_port=${BENCH_HTTP_PORT:-5090}
writes=${BENCH_WRITES:-100}
bench_dir=$(cd "${BENCH_DIR:-../shared/bench}" && pwd) || { echo "No benchmark harness at ${BENCH_DIR:-../shared/bench}" >&2; exit 1; }
base="http://127.0.0.1:$http_port"
db="timeline_synthetic_$events"
out="benchmarks/results/synthetic-$events.md"
results=$(mktemp -d /tmp/timeline-benchmark.XXXXXX)

for tool in wrk curl envsubst ss; do
  if ! command -v "$tool" >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "$tool is missing: sudo apt-get install -y wrk curl gettext-base iproute2" >&2; exit 1; }
    echo "Installing $tool…" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk curl gettext-base iproute2) >/dev/null
  fi
done

# At 1M events the relations reads and writes use (events with both stored JSONs, their indexes, the word
# index: about 6.3 GB) are more than this VM keeps in its page cache between rounds: it pages out whatever is idle for a
# few seconds, so each round read from disk (60 % of CPU time in I/O wait). PostgreSQL gets shared
# buffers that hold them, as a production server would, and reads them in before the harness starts.
buffers=${TIMELINE_PG_SHARED_BUFFERS:-8GB}
psql="$(ls -d /usr/lib/postgresql/*/bin | tail -1)/psql"
# Those buffers go on 2 MB huge pages when this script may reserve them (as root), as a production server
# with buffers this large is configured: on 4 KB pages most buffer lookups of a million-event table miss
# the TLB (by id at 1M events: 139 µs of PostgreSQL CPU a request on 4 KB pages, 95 µs on huge pages).
# The harness's own PostgreSQL (huge_pages=try, the default) finds enough left for its 512 MB. The
# reservation is handed back when the script ends; a server still holding pages keeps them until it stops.
huge=try huge_before=
if [ "$(id -u)" = 0 ] && [ -w /proc/sys/vm/nr_hugepages ]; then
  huge_before=$(cat /proc/sys/vm/nr_hugepages)
  huge_want=$(( $(numfmt --from=iec "${buffers%B}") / 2097152 * 21 / 20 + 64 + 320 ))
  [ "$huge_before" -ge "$huge_want" ] || echo "$huge_want" >/proc/sys/vm/nr_hugepages
  [ "$(cat /proc/sys/vm/nr_hugepages)" -lt "$huge_want" ] || huge=on
fi
give_back_huge_pages() { [ -z "$huge_before" ] || echo "$huge_before" >/proc/sys/vm/nr_hugepages; }
trap give_back_huge_pages EXIT
start_run_pg() { TIMELINE_PG_SHARED_BUFFERS=$buffers TIMELINE_PG_OPTIONS="-c huge_pages=$huge" scripts/postgres.sh start run "$pg_port"; }
start_run_pg
# A server left running with other settings is started again with these.
if [ "$("$psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -Atc "select current_setting('shared_buffers') || ' ' || current_setting('huge_pages')")" != "$buffers $huge" ]; then
  scripts/postgres.sh stop run
  start_run_pg
fi
comment=$("$psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -Atc \
  "select shobj_description(oid, 'pg_database') from pg_database where datname = '$db'")
if [ "$comment" != "synthetic events=$events seed=$seed" ]; then
  scripts/synthetic.sh --events "$events" --seed "$seed" --port "$pg_port"
fi
echo "Reading the hot relations into shared buffers ($buffers)…" >&2
# Every table and index but the word index's table (searches read only its index): about 6.3 GB at 1M.
"$psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d "$db" -q -Atc "create extension if not exists pg_prewarm" -c "
  select pg_size_pretty(sum(pg_prewarm(c.oid)) * 8192) || ' read' from pg_class c
  where c.relnamespace in ('public'::regnamespace, 'pg_toast'::regnamespace) and c.relkind in ('r', 'i', 't')
    and c.oid <> 'event_words'::regclass and c.relpages > 0" >&2

# A copy of its own, so that a build in the work tree during the run does not change what is measured.
dotnet publish src/Timeline.Api -c Release -v quiet -nologo -o "$results/api" >/dev/null
dll=$results/api/Timeline.Api.dll
# The same connection pool size as the reference servers (the harness's DB_POOL, 16): 32 load connections
# then share 16 PostgreSQL backends in every target, instead of 32 backends on 2 cores for this one.
export ConnectionStrings__Timeline="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=$db;Maximum Pool Size=${DB_POOL:-16}"

api_pid=
stop_api() {
  if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then
    kill "$api_pid"; wait "$api_pid" 2>/dev/null || true
  fi
  api_pid=
}
trap 'stop_api; rm -rf "$results"; give_back_huge_pages' EXIT

start_api() {
  stop_api
  # From its own folder, as shipped: ASP.NET Core reads appsettings.json (log levels, limits) from the
  # current directory, and without it every request writes framework log lines at Information.
  # The load comes from one address: its rate limit is raised out of the way (the limiter still runs).
  (cd "$results/api" && ASPNETCORE_URLS="$base" Timeline__LoadCuratedData=false Timeline__Shutdown__DrainSeconds=0 \
    Timeline__Limits__ReadsPerSecond=10000000 Timeline__Limits__ReadBurst=10000000 \
    Timeline__Limits__KeyRequestsPerSecond=10000000 Timeline__Limits__WritesPerMinute=10000000 Timeline__Limits__WriteBurst=10000000 \
    exec dotnet Timeline.Api.dll) >"$results/api.log" 2>&1 &
  api_pid=$!
  for _ in $(seq 1 600); do
    curl -fs "$base/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$api_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "The API did not become ready; see $results/api.log" >&2
  cat "$results/api.log" >&2
  exit 1
}
kb() { awk -v k="$1" '$1 == k":" { print $2 }' "/proc/$api_pid/status"; }

echo "Starting the API on $base against $db…" >&2
start_api
echo "Side-by-side harness ($bench_dir), N=$events…" >&2
N=$events PROJECT_PORT=$http_port RESULTS_DIR="$results/harness" "$bench_dir/run.sh" >"$results/harness.log" 2>&1 \
  || { tail -30 "$results/harness.log" >&2; exit 1; }
summary=$(ls -d "$results"/harness/*/ | tail -1)
limit_mbps=$(awk -F'\t' '$1 == "limit" { print $6 }' "$summary/export.tsv" | sort -g | tail -1)

mkdir -p benchmarks/results
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
{
  echo "# Benchmark: $events synthetic events"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit, $(nproc) cores ($cpu), PostgreSQL $("$psql" --version | awk '{print $3}'), .NET $(dotnet --version)."
  echo "The load generator, the servers and PostgreSQL share the machine: read the ratios, which come from one interleaved run."
  echo "This API's PostgreSQL: shared_buffers $buffers, huge_pages $huge; the reference servers': the harness's own settings."
  echo
  echo "## Side by side (../shared/bench, the \`project\` rows are this API)"
  echo
  sed -n '/^## scenario/,$p' "$summary/summary.md"
  echo
  echo "## Every export format, whole table, each on a fresh API process"
  echo
  echo "Ratio: MB/s against the limit server's JSON export in the harness run above (${limit_mbps} MB/s)."
  echo
  echo "| format | MB | first byte (ms) | seconds | MB/s | vs limit | peak memory growth (MB) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
} >"$out.tmp"

for format in json ndjson csv timelinejs ics geojson; do
  echo "  export: $format" >&2
  start_api
  # One whole export of the same format first, thrown away: the code is then compiled at its final
  # tier (as in a server that has been up a while) and the pool is open, so the figure is what the data
  # costs, and the memory growth is what one more export adds.
  curl -s -o /dev/null "$base/v1/timeline?format=$format"
  echo 5 >"/proc/$api_pid/clear_refs" 2>/dev/null || true # reset VmHWM to the current RSS
  before=$(kb VmRSS)
  metrics=$(curl -s -o /dev/null -w '%{time_starttransfer} %{time_total} %{size_download} %{http_code}' "$base/v1/timeline?format=$format")
  peak=$(kb VmHWM)
  read -r ttfb total size code <<<"$metrics"
  [ "$code" = 200 ] || echo "warning: export $format answered $code" >&2
  awk -v f="$format" -v s="$size" -v tt="$ttfb" -v t="$total" -v b="$before" -v p="$peak" -v l="$limit_mbps" 'BEGIN {
    printf "| %s | %.0f | %.0f | %.1f | %.1f | %.2f | %.1f |\n", f, s / 1e6, tt * 1000, t, s / 1e6 / t, (s / 1e6 / t) / l, (p - b) / 1024 }' >>"$out.tmp"
done

# Writes: an editor key made with the app's own key command, then creates (each citing a synthetic
# source and relating to a synthetic event, whose stored document must be rendered again too) and
# revisions of each, one at a time.
echo "  writes: $writes creates, $writes revisions" >&2
key=$(dotnet "$dll" keys create --name "bench-$(date +%s)" --role editor | head -1)
latency() { awk '{ print $2 }' | sort -g | awk '{ a[NR] = $1 } END { printf "%.1f | %.1f | %.1f", a[int(NR * 0.5) + 1] * 1000, a[int(NR * 0.9) + 1] * 1000, a[NR] * 1000 }'; }
stamp=$(date +%s)
: >"$results/create.txt"; : >"$results/revise.txt"
for i in $(seq 1 "$writes"); do
  id="bench-$stamp-$i"
  target=$(printf 'synthetic-%07d' $(( (i * 7919) % events + 1 )))
  body=$(printf '{"id":"%s","title":"[benchmark] Write %d","summary":"[benchmark] A write made by scripts/benchmark.sh.","kind":"incident","date":{"start":"2024-05-17","precision":"day"},"tags":["synthetic"],"escalation":{"level":1,"rationale":"[benchmark]"},"actors":[{"actor":"synthetic-actor-001","role":"initiator"}],"sources":["synthetic-source-000001"],"relations":[{"type":"follows","target":"%s"}]}' "$id" "$i" "$target")
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $key" -H "Idempotency-Key: $id" \
    -H 'Content-Type: application/json' --data "$body" "$base/v1/events" >>"$results/create.txt"
  revise=$(printf '%s' "$body" | sed -e 's/^{"id":"[^"]*",/{"reason":"[benchmark] Revision.",/' -e 's/Write /Revised write /')
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X PUT -H "Authorization: Bearer $key" -H 'If-Match: "1"' \
    -H 'Content-Type: application/json' --data "$revise" "$base/v1/events/$id" >>"$results/revise.txt"
done
stop_api
failed=$(cat "$results/create.txt" "$results/revise.txt" | awk '$1 !~ /^20[01]$/' | wc -l)
[ "$failed" = 0 ] || echo "warning: $failed writes did not answer 200/201" >&2
{
  echo
  echo "## Writes at $events events (one at a time, HTTP round trip included)"
  echo
  echo "Writes that did not answer 200/201: $failed."
  echo
  echo "| write | count | p50 ms | p90 ms | max ms |"
  echo "|---|---:|---:|---:|---:|"
  echo "| create (with a relation: renders 2 events) | $writes | $(latency <"$results/create.txt") |"
  echo "| revise (renders the event and its related ones) | $writes | $(latency <"$results/revise.txt") |"
} >>"$out.tmp"

mv "$out.tmp" "$out"
cat "$out"
echo >&2
echo "Written to $out" >&2
