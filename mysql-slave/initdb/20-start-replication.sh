#!/usr/bin/env bash
# Points the replica at the master with GTID-based asynchronous replication and starts it.
# Waits for the master first. Idempotent: re-running re-applies the same settings.
# Used by the MariaDB image (/docker-entrypoint-initdb.d) and by the native launcher alike.
set -euo pipefail

: "${MASTER_HOST:?MASTER_HOST must be set}" "${MASTER_PORT:=3306}" "${REPLICATION_USER:=replicator}"
: "${REPLICATION_PASSWORD:?REPLICATION_PASSWORD must be set}" "${MASTER_WAIT_SECONDS:=120}"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
healthcheck=${HEALTHCHECK_DIR:-$here/../../healthcheck}
[ -x "$healthcheck/mariadb-ready.sh" ] || healthcheck=/healthcheck
DB_HOST=$MASTER_HOST DB_PORT=$MASTER_PORT WAIT_SECONDS=$MASTER_WAIT_SECONDS "$healthcheck/mariadb-ready.sh"

quote() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\'\'}"; }

# --no-defaults: never pick up a system client config pointing at another server.
MYSQL_PWD="${MARIADB_ROOT_PASSWORD:-}" mariadb --no-defaults --protocol=socket -uroot \
  ${MARIADB_SOCKET:+--socket="$MARIADB_SOCKET"} <<SQL
STOP SLAVE;
CHANGE MASTER TO
  MASTER_HOST=$(quote "$MASTER_HOST"),
  MASTER_PORT=$MASTER_PORT,
  MASTER_USER=$(quote "$REPLICATION_USER"),
  MASTER_PASSWORD=$(quote "$REPLICATION_PASSWORD"),
  MASTER_USE_GTID=slave_pos,
  MASTER_CONNECT_RETRY=2;
START SLAVE;
SQL
echo "replication from $MASTER_HOST:$MASTER_PORT started"
