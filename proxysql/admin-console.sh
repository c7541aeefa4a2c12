#!/usr/bin/env bash
# ProxySQL's admin console as the second admin user (`make proxysql-admin`): interactive, or with
# arguments, runs that SQL and prints tables (`--status` runs status.sql, for `make status`).
# Works in the proxysql container (mounted at /proxysql) and natively alike.
set -euo pipefail

: "${PROXYSQL_ADMIN_LISTEN:=127.0.0.1:6032}" "${PROXYSQL_ADMIN_USER:=radmin}"
: "${PROXYSQL_ADMIN_PASSWORD:?PROXYSQL_ADMIN_PASSWORD must be set}"
host=${PROXYSQL_ADMIN_LISTEN%:*} port=${PROXYSQL_ADMIN_LISTEN##*:}
[ "$host" != "0.0.0.0" ] || host=127.0.0.1
client=$(command -v mariadb || command -v mysql) || { echo "no mariadb or mysql client found" >&2; exit 1; }

args=(--no-defaults --protocol=tcp -h"$host" -P"$port" -u"$PROXYSQL_ADMIN_USER" --prompt="ProxySQL Admin> ")
if [ "${1:-}" = "--status" ]; then
  args+=(--table -e "$(<"$(dirname "${BASH_SOURCE[0]}")/status.sql")")
elif [ $# -gt 0 ]; then
  args+=(--table -e "$*")
fi
MYSQL_PWD="$PROXYSQL_ADMIN_PASSWORD" exec "$client" "${args[@]}"
