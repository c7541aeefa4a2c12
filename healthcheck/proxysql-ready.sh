#!/usr/bin/env bash
# Succeeds when ProxySQL's writer hostgroup has an ONLINE backend (the app can write through it).
# Asks ProxySQL's admin interface (PROXYSQL_ADMIN_LISTEN; 0.0.0.0 means this host) as the second
# admin user, with whichever MySQL-protocol client the image has (mariadb or mysql).
set -euo pipefail

: "${PROXYSQL_ADMIN_LISTEN:=127.0.0.1:6032}" "${PROXYSQL_ADMIN_USER:=radmin}" "${PROXYSQL_WRITER_HOSTGROUP:=10}"
: "${PROXYSQL_ADMIN_PASSWORD:?PROXYSQL_ADMIN_PASSWORD must be set}"
host=${PROXYSQL_ADMIN_LISTEN%:*} port=${PROXYSQL_ADMIN_LISTEN##*:}
[ "$host" != "0.0.0.0" ] || host=127.0.0.1
client=$(command -v mariadb || command -v mysql) || { echo "no mariadb or mysql client found" >&2; exit 1; }

online=$(MYSQL_PWD="$PROXYSQL_ADMIN_PASSWORD" "$client" --no-defaults --protocol=tcp -h"$host" -P"$port" \
  -u"$PROXYSQL_ADMIN_USER" --connect-timeout=2 --batch --skip-column-names -e \
  "SELECT COUNT(*) FROM runtime_mysql_servers WHERE hostgroup_id=$PROXYSQL_WRITER_HOSTGROUP AND status='ONLINE'")
if ! [[ $online =~ ^[1-9][0-9]*$ ]]; then
  echo "no ONLINE server in ProxySQL writer hostgroup $PROXYSQL_WRITER_HOSTGROUP" >&2
  exit 1
fi
