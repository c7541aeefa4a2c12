#!/usr/bin/env bash
# Succeeds when the MariaDB server at DB_HOST:DB_PORT accepts TCP connections.
# TCP on purpose: the official image's temporary init server listens on its socket only, so a
# server that answers here is the real, final one. With WAIT_SECONDS > 0, waits up to that long.
set -euo pipefail

: "${DB_HOST:=127.0.0.1}" "${DB_PORT:=3306}" "${WAIT_SECONDS:=0}"
deadline=$((SECONDS + WAIT_SECONDS))
# A refused login still proves the server is up, so no credentials are needed.
until mariadb-admin --no-defaults --protocol=tcp -h"$DB_HOST" -P"$DB_PORT" -uhealthcheck-ping \
    --connect-timeout=2 ping >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "mariadb at $DB_HOST:$DB_PORT is not accepting connections" >&2
    exit 1
  fi
  sleep 1
done
