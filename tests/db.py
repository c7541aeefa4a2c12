"""Direct database access for assertions: connect to one server as one of the cluster's accounts."""

from __future__ import annotations

import pymysql

from native.mariadb_server import MariaDBServer


def connect(server: MariaDBServer, user: str, password: str, database: str = "library") -> pymysql.Connection:
    return pymysql.connect(host="127.0.0.1", port=server.port, user=user, password=password,
                           database=database, charset="utf8mb4", connect_timeout=2, autocommit=True)


def query(server: MariaDBServer, sql: str, args: tuple = ()) -> list[tuple]:
    """Run a query as root over the server's socket and return plain tuples."""
    return [tuple(row.values()) for row in server.root_query(sql, args)]
