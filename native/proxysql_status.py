"""The cluster as ProxySQL sees it, for `make status`: proxysql/status.sql, shared with Compose."""

from __future__ import annotations

import pymysql

from native import REPO_ROOT
from native.proxysql_server import ProxySQLServer
from native.table import print_table

STATUS_SQL = REPO_ROOT / "proxysql" / "status.sql"


def proxysql_rows(proxysql: ProxySQLServer) -> list[dict[str, str]]:
    """One row per backend and hostgroup: status, pool counters, last read_only and lag checks."""
    return [{k: "" if v is None else str(v) for k, v in row.items()} for row in
            proxysql.admin_query(STATUS_SQL.read_text())]


def print_proxysql_status(proxysql: ProxySQLServer) -> None:
    print(f"ProxySQL 127.0.0.1:{proxysql.mysql_port} (admin 127.0.0.1:{proxysql.admin_port}); "
          "hostgroup 10 = writer, 20 = readers:")
    try:
        rows = proxysql_rows(proxysql)
    except pymysql.MySQLError as exc:
        print(f"  admin interface not answering: {exc}")
        return
    if rows:
        print_table(rows, list(rows[0]))
