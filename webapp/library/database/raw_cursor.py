"""Reads on a bare DB-API cursor from the endpoint's pool, for the hot reader lookup.

The lookup's profile showed SQLAlchemy's Connection, execution context and result objects costing
about as much Python time as the driver itself. This keeps the pool and, by raising the same
DBAPIError wrappers SQLAlchemy would, every failover and offline rule of the router.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError

from library.database.endpoints import Endpoint
from library.database.errors import is_connection_error
from library.database.time_budget import reads_within

T = TypeVar("T")


def run_on_cursor(endpoint: Endpoint, work: Callable[[Any], T], deadline: float | None = None) -> T:
    """Run `work(cursor)` on a pooled connection, reading until `deadline` at the latest (time_budget.py);
    a lost connection invalidates the pool, as in SQLAlchemy."""
    engine = endpoint.engine
    dbapi_error = engine.dialect.loaded_dbapi.Error
    connection = None
    try:
        connection = engine.raw_connection()
        cursor = connection.cursor()
        try:
            with reads_within(connection.dbapi_connection, deadline):
                return work(cursor)
        finally:
            cursor.close()
    except dbapi_error as exc:
        lost = connection is None or is_connection_error(exc) or engine.dialect.is_disconnect(
            exc, connection.dbapi_connection, None)
        if connection is not None and lost:
            # As SQLAlchemy's own execute path does on a disconnect: every connection pooled before
            # now is suspect (a restarted server killed them all), so the retry gets a fresh one.
            engine.pool._invalidate(connection, exc)
        raise DBAPIError.instance(None, None, exc, dbapi_error, connection_invalidated=lost,
                                  dialect=engine.dialect) from exc
    finally:
        if connection is not None:
            connection.close()
