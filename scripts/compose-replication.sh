#!/usr/bin/env bash
# docker-compose.yml: run once by the postgres image when it initialises the primary's volume. The
# standby (db-standby) takes its base backup and streams WAL as the 'timeline' user (a superuser,
# so it may replicate); the image's pg_hba.conf lets no replication connection in until this line.
set -euo pipefail
echo "host replication timeline all scram-sha-256" >> "$PGDATA/pg_hba.conf"
