#!/usr/bin/env bash
# Succeeds when the replica at DB_HOST:DB_PORT has both replication threads running.
# Uses the monitor account (SLAVE MONITOR privilege only).
set -euo pipefail

: "${DB_HOST:=127.0.0.1}" "${DB_PORT:=3306}" "${MONITOR_USER:=monitor}"
: "${MONITOR_PASSWORD:?MONITOR_PASSWORD must be set}"

status=$(MYSQL_PWD="$MONITOR_PASSWORD" mariadb --no-defaults --protocol=tcp -h"$DB_HOST" -P"$DB_PORT" \
  -u"$MONITOR_USER" --connect-timeout=2 -e 'SHOW SLAVE STATUS\G')
io=$(sed -n 's/^ *Slave_IO_Running: //p' <<<"$status")
sql=$(sed -n 's/^ *Slave_SQL_Running: //p' <<<"$status")
if [ "$io" != "Yes" ] || [ "$sql" != "Yes" ]; then
  echo "replication threads not running: IO=${io:-none} SQL=${sql:-none}" >&2
  exit 1
fi
