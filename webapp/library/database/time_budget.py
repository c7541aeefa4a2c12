"""One time budget for every try a request makes on the database, enforced on the driver's socket.

A read may try several endpoints (another reader, a second try behind a proxy, the writer), and a
write tries again when its connection turns out dead; each try may wait out a read timeout. Behind
ProxySQL, which holds a query while its hostgroup has no live backend, that added up to three read
timeouts for a read, and for a write cut off by ProxySQL's health check one more timeout after the
seconds already waited. Instead a request's tries get DB_CONNECT_TIMEOUT + DB_READ_TIMEOUT in all,
and each try's read timeout is cut to what is left.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SHORTEST_TRY_SECONDS = 0.05  # a try with less time left than this is not started


class TimeBudgetSpent(RuntimeError):
    """The request's time ran out before the database answered."""


def seconds_left(deadline: float) -> float:
    return deadline - time.monotonic()


@contextmanager
def reads_within(dbapi_connection: Any, deadline: float | None) -> Iterator[None]:
    """Cut a PyMySQL connection's read timeout to what is left before `deadline` (time.monotonic())
    for this block, then restore it. PyMySQL applies `_read_timeout` to the socket at every packet
    read, so the new value holds from the next query on."""
    configured = dbapi_connection._read_timeout
    if deadline is None:
        yield
        return
    left = seconds_left(deadline)
    if left < SHORTEST_TRY_SECONDS:
        raise TimeBudgetSpent(f"no time left ({left:.2f}s)")
    if configured is not None and left >= configured:
        yield
        return
    dbapi_connection._read_timeout = left
    try:
        yield
    finally:
        dbapi_connection._read_timeout = configured
