#!/usr/bin/env bash
# Sourced by run.sh and scripts/postgres.sh: when a port they would listen on is taken by another program,
# stop at once with a message that names the variable to set and a free port to try, instead of hanging or
# failing later with a server log.
#   require_free_port PORT WHAT HINT    HINT: how to choose another port, %s stands for a free one
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

require_free_port() {
  local port=$1 what=$2 hint=$3 free
  port_in_use "$port" || return 0
  free=$((port + 1))
  while port_in_use "$free"; do free=$((free + 1)); done
  # shellcheck disable=SC2059 # the hint is our own template
  echo "Port $port ($what) is already in use by another program. Choose another: $(printf "$hint" "$free")" >&2
  exit 1
}
