#!/usr/bin/env bash
# Starts (or reuses) a private PostgreSQL 15 server under the repo's .pg/ folder.
#   scripts/postgres.sh start NAME PORT [--fast]   NAME: run | test; --fast turns fsync off (tests only)
#   scripts/postgres.sh stop NAME [--immediate]    --immediate: no shutdown checkpoint, as in a crash (fault tests)
# Installs the Debian package when the binaries are missing. PostgreSQL refuses to run as root,
# so as root the server runs as the 'postgres' user in a folder that user owns.
set -euo pipefail
cmd=${1:?start|stop}; name=${2:?name}; port=${3:-54329}; fast=${4:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/ports.sh"
root="$repo/.pg/$name"; data="$root/data"

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; return; }; done
  command -v pg_ctl >/dev/null 2>&1 && dirname "$(command -v pg_ctl)"
}
bin=$(find_bin || true)
if [ -z "$bin" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "PostgreSQL not found: installing the Debian package…" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
    bin=$(find_bin)
  else
    echo "PostgreSQL is not installed: run 'sudo apt-get install -y postgresql' or set a connection string." >&2
    exit 1
  fi
fi

as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    # Already running (its port is ours): reuse it. Otherwise the port must be free.
    if [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      exit 0
    fi
    case "$name" in
      run) require_free_port "$port" "PostgreSQL for ./run.sh" "TIMELINE_PG_PORT=%s ./run.sh" ;;
      test) require_free_port "$port" "PostgreSQL for ./test.sh" "TIMELINE_TEST_PG_PORT=%s ./test.sh" ;;
      replica) require_free_port "$port" "the replication tests' primary" "TIMELINE_TEST_REPLICA_PORT=%s ./test.sh" ;;
      replica-standby) require_free_port "$port" "the replication tests' standby" "TIMELINE_TEST_STANDBY_PORT=%s ./test.sh" ;;
      *) require_free_port "$port" "PostgreSQL" "another port, e.g. %s" ;;
    esac
    mkdir -p "$root"
    if [ "$(id -u)" = 0 ]; then
      chown postgres:postgres "$root"; chmod 700 "$root"
      # postgres must be able to reach its folder through the repo's parents.
      p="$root"; while [ "$p" != / ]; do p=$(dirname "$p"); chmod o+x "$p" 2>/dev/null || true; done
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$root/initdb.log" 2>&1 \
        || { cat "$root/initdb.log" >&2; exit 1; }
    fi

    # shared_buffers: PostgreSQL's 128 MB default holds little of a large data set; 512 MB (what the
    # benchmark's reference servers get too) keeps the hot tables and indexes of 100k events in memory.
    opts="-c listen_addresses=127.0.0.1 -p $port -k $root -c max_connections=200 -c shared_buffers=${TIMELINE_PG_SHARED_BUFFERS:-512MB}"
    [ "$fast" = "--fast" ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    opts="$opts ${TIMELINE_PG_OPTIONS:-}" # more server settings, e.g. a standby's (scripts/standby.sh)
    as_owner "$bin/pg_ctl" -D "$data" -l "$root/server.log" -w -t 60 -o "$opts" start >/dev/null \
      || { tail -20 "$root/server.log" >&2; exit 1; }
    ;;
  stop)
    mode=fast; [ "${3:-}" = "--immediate" ] && mode=immediate
    [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" -m "$mode" -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop NAME [PORT] [--fast]" >&2; exit 2 ;;
esac
