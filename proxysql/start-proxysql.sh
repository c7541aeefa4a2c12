#!/usr/bin/env bash
# Renders proxysql.cnf.tmpl from the environment into "$PROXYSQL_DATADIR/proxysql.cnf" and execs
# ProxySQL in the foreground on it. Used as the Compose entrypoint and by the native launcher.
#
# ProxySQL reads its config file only while it has no database (proxysql.db) of its own; after
# that the database wins. `--initial` moves the old database aside (proxysql.db.bak) on every
# start, so the rendered file - with this start's secrets, hosts and ports - is always what runs.
# Pure bash on purpose: the official image guarantees neither envsubst nor python.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PROXYSQL_TEMPLATE:=$here/proxysql.cnf.tmpl}"
: "${PROXYSQL_DATADIR:=/var/lib/proxysql}"
: "${PROXYSQL_MASTER_HOST:=mysql-master}" "${PROXYSQL_MASTER_PORT:=3306}"
: "${PROXYSQL_SLAVE_HOST:=mysql-slave}" "${PROXYSQL_SLAVE_PORT:=3306}"
: "${PROXYSQL_MYSQL_LISTEN:=0.0.0.0:6033}" "${PROXYSQL_ADMIN_LISTEN:=0.0.0.0:6032}"
: "${PROXYSQL_ADMIN_USER:=radmin}"
: "${PROXYSQL_RESTAPI_ENABLED:=true}" "${PROXYSQL_RESTAPI_PORT:=6070}"
: "${PROXYSQL_SHUN_SECONDS:=30}" "${PROXYSQL_MAX_REPLICATION_LAG:=10}"
: "${PROXYSQL_SERVER_VERSION:=10.11.0-MariaDB}"
: "${DB_WRITER_USER:=library_writer}" "${DB_READER_USER:=library_reader}"
: "${DB_MIGRATOR_USER:=library_migrator}" "${MONITOR_USER:=monitor}"
for var in PROXYSQL_ADMIN_PASSWORD DB_WRITER_PASSWORD DB_READER_PASSWORD DB_MIGRATOR_PASSWORD MONITOR_PASSWORD; do
  [ -n "${!var:-}" ] || { echo "$0: $var must be set (see .env.example)" >&2; exit 1; }
done
# The local-only "admin" user gets a throwaway password unless one is given: a well-known
# admin:admin would let any account on a shared host reconfigure ProxySQL.
if [ -z "${PROXYSQL_LOCAL_ADMIN_PASSWORD:-}" ]; then
  PROXYSQL_LOCAL_ADMIN_PASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
fi
for var in PROXYSQL_MASTER_PORT PROXYSQL_SLAVE_PORT PROXYSQL_RESTAPI_PORT PROXYSQL_SHUN_SECONDS \
    PROXYSQL_MAX_REPLICATION_LAG; do
  [[ ${!var} =~ ^[0-9]+$ ]] || { echo "$0: $var must be a number, not '${!var}'" >&2; exit 1; }
done
for var in PROXYSQL_MYSQL_LISTEN PROXYSQL_ADMIN_LISTEN; do
  [[ ${!var} =~ ^[^:]+:[0-9]+$ ]] || { echo "$0: $var must be host:port, not '${!var}'" >&2; exit 1; }
done
[[ $PROXYSQL_RESTAPI_ENABLED =~ ^(true|false)$ ]] || {
  echo "$0: PROXYSQL_RESTAPI_ENABLED must be true or false" >&2; exit 1; }
# The un-shun wait is capped at connect_timeout_server_max/1000 - 1 s: keep the cap above the window.
PROXYSQL_CONNECT_TIMEOUT_SERVER_MAX_MS=$(( (PROXYSQL_SHUN_SECONDS + 1) * 1000 ))

placeholders=(PROXYSQL_DATADIR PROXYSQL_MASTER_HOST PROXYSQL_MASTER_PORT PROXYSQL_SLAVE_HOST
  PROXYSQL_SLAVE_PORT PROXYSQL_MYSQL_LISTEN PROXYSQL_ADMIN_LISTEN PROXYSQL_ADMIN_USER
  PROXYSQL_ADMIN_PASSWORD PROXYSQL_LOCAL_ADMIN_PASSWORD PROXYSQL_RESTAPI_ENABLED PROXYSQL_RESTAPI_PORT
  PROXYSQL_SHUN_SECONDS PROXYSQL_CONNECT_TIMEOUT_SERVER_MAX_MS PROXYSQL_MAX_REPLICATION_LAG
  PROXYSQL_SERVER_VERSION DB_WRITER_USER DB_WRITER_PASSWORD DB_READER_USER DB_READER_PASSWORD
  DB_MIGRATOR_USER DB_MIGRATOR_PASSWORD MONITOR_USER MONITOR_PASSWORD)

config=$(<"$PROXYSQL_TEMPLATE")
for name in "${placeholders[@]}"; do
  value=${!name}
  # Values land inside libconfig strings: a quote, backslash or newline would change the config.
  if [[ $value == *[\"\\$'\n']* ]]; then
    echo "$0: $name must not contain quotes, backslashes or newlines" >&2
    exit 1
  fi
  config=${config//"\${$name}"/"$value"}
done
if [[ $config =~ \$\{[A-Za-z_0-9]*\} ]]; then
  echo "$0: $PROXYSQL_TEMPLATE uses ${BASH_REMATCH[0]}, which this script does not fill" >&2
  exit 1
fi

mkdir -p "$PROXYSQL_DATADIR"
umask 077  # the rendered file holds every password
printf '%s\n' "$config" >"$PROXYSQL_DATADIR/proxysql.cnf"
[ -z "${PROXYSQL_RENDER_ONLY:-}" ] || exit 0
exec "${PROXYSQL_BIN:-proxysql}" --foreground --initial --idle-threads --no-version-check \
  --config "$PROXYSQL_DATADIR/proxysql.cnf" --datadir "$PROXYSQL_DATADIR"
