#!/usr/bin/env bash
# Creates the library database and one account per role, each with only what it needs.
# Runs on the master only: the statements replicate, so the replica gets the same accounts.
# Used by the MariaDB image (/docker-entrypoint-initdb.d) and by the native launcher alike.
set -euo pipefail

: "${DB_NAME:=library}" "${DB_USER_HOST:=%}"
: "${DB_MIGRATOR_USER:=library_migrator}" "${DB_WRITER_USER:=library_writer}" "${DB_READER_USER:=library_reader}"
: "${REPLICATION_USER:=replicator}" "${MONITOR_USER:=monitor}"
for var in DB_MIGRATOR_PASSWORD DB_WRITER_PASSWORD DB_READER_PASSWORD REPLICATION_PASSWORD MONITOR_PASSWORD; do
  [ -n "${!var:-}" ] || { echo "$0: $var must be set" >&2; exit 1; }
done

quote() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\'\'}"; }
account() { printf "%s@%s" "$(quote "$1")" "$(quote "$DB_USER_HOST")"; }
db="\`${DB_NAME//\`/}\`"

# --no-defaults: never pick up a system client config pointing at another server.
MYSQL_PWD="${MARIADB_ROOT_PASSWORD:-}" mariadb --no-defaults --protocol=socket -uroot \
  ${MARIADB_SOCKET:+--socket="$MARIADB_SOCKET"} <<SQL
CREATE DATABASE IF NOT EXISTS $db CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE OR REPLACE USER $(account "$DB_MIGRATOR_USER") IDENTIFIED BY $(quote "$DB_MIGRATOR_PASSWORD");
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES ON $db.* TO $(account "$DB_MIGRATOR_USER");

CREATE OR REPLACE USER $(account "$DB_WRITER_USER") IDENTIFIED BY $(quote "$DB_WRITER_PASSWORD");
GRANT SELECT, INSERT, UPDATE, DELETE ON $db.* TO $(account "$DB_WRITER_USER");

CREATE OR REPLACE USER $(account "$DB_READER_USER") IDENTIFIED BY $(quote "$DB_READER_PASSWORD");
GRANT SELECT ON $db.* TO $(account "$DB_READER_USER");

CREATE OR REPLACE USER $(account "$REPLICATION_USER") IDENTIFIED BY $(quote "$REPLICATION_PASSWORD");
GRANT REPLICATION SLAVE ON *.* TO $(account "$REPLICATION_USER");

-- Health checks and ProxySQL's monitor: read_only, replica status and lag, nothing else.
CREATE OR REPLACE USER $(account "$MONITOR_USER") IDENTIFIED BY $(quote "$MONITOR_PASSWORD");
GRANT SLAVE MONITOR, BINLOG MONITOR ON *.* TO $(account "$MONITOR_USER");
SQL
echo "library accounts ready on the master"
