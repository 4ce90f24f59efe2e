#!/usr/bin/env bash
# Starts (or reuses) a streaming standby of a private PostgreSQL started by scripts/postgres.sh.
#   scripts/standby.sh start NAME PORT PRIMARY_PORT [--fast]   NAME: e.g. run-standby, test-standby
#   scripts/standby.sh stop NAME [--immediate]
# The first start takes a base backup of the primary on 127.0.0.1:PRIMARY_PORT (pg_basebackup -R:
# standby.signal and primary_conninfo written for us) through a physical replication slot named after
# the standby, so the primary keeps every WAL segment the standby still needs, however long it is
# stopped. Later starts reuse the data folder: the standby resumes streaming from where it stopped.
# Like the primary it listens on 127.0.0.1 only; initdb's pg_hba.conf already trusts local replication.
set -euo pipefail
cmd=${1:?start|stop}; name=${2:?name}
repo=$(cd "$(dirname "$0")/.." && pwd)
root="$repo/.pg/$name"; data="$root/data"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1 || true)
[ -n "$bin" ] || bin=$(dirname "$(command -v pg_basebackup)")
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    port=${3:?port}; primary_port=${4:?primary port}; fast=${5:-}
    slot=$(echo "$name" | tr -c 'a-z0-9_\n' '_')
    if [ ! -f "$data/PG_VERSION" ]; then
      mkdir -p "$root"
      if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$root"; chmod 700 "$root"; fi
      # A slot left by an earlier standby of this name whose data folder was deleted: start over.
      as_owner "$bin/psql" -h 127.0.0.1 -p "$primary_port" -U postgres -d postgres -qAtc \
        "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '$slot' and not active" >/dev/null
      as_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$data" \
        -R -X stream -C -S "$slot" --checkpoint=fast --no-sync >"$root/basebackup.log" 2>&1 \
        || { cat "$root/basebackup.log" >&2; exit 1; }
    fi
    # hot_standby_feedback: the primary's vacuum keeps rows a standby query still reads, so reads on the
    # standby are not cancelled by "conflict with recovery". primary_conninfo as given now, not as the
    # base backup recorded it: the primary may have moved port.
    conninfo="host=127.0.0.1 port=$primary_port user=postgres application_name=$slot"
    export TIMELINE_PG_OPTIONS="${TIMELINE_PG_OPTIONS:-} -c hot_standby_feedback=on -c primary_slot_name=$slot -c primary_conninfo='$conninfo'"
    exec "$repo/scripts/postgres.sh" start "$name" "$port" $fast
    ;;
  stop)
    exec "$repo/scripts/postgres.sh" stop "$name" "${3:-}"
    ;;
  *) echo "usage: $0 start NAME PORT PRIMARY_PORT [--fast] | stop NAME [--immediate]" >&2; exit 2 ;;
esac
