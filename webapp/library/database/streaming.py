"""Streamed reads that outlive the endpoint serving them: an export resumes on another endpoint.

A stream is a series of parts, each one endpoint's connection and the items it still has to give.
When a part's connection is lost, the next part starts after the last position delivered, on
whichever endpoint the router's failover picks, so the client sees one unbroken stream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain, islice
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from library.database.endpoints import Endpoint
from library.database.errors import is_connection_error, is_stale_connection_error
from library.database.time_budget import reads_within

T = TypeVar("T")
P = TypeVar("P")


class StreamPart:
    """One endpoint's part of a streamed read: its connection and the items still to come."""

    def __init__(self, endpoint: Endpoint, conn: Connection, work: Iterator[tuple[P, T]], head: list[tuple[P, T]]):
        self.endpoint, self.conn, self.work = endpoint, conn, work
        self.items = chain(head, work)

    @classmethod
    def begin(cls, endpoint: Endpoint, start: Callable[[Connection, P | None], Iterator[tuple[P, T]]],
              after: P | None = None, deadline: float | None = None) -> StreamPart:
        """Start the work on a pooled connection and fetch its first item (errors surface here), this
        first read within the read's budget (time_budget.py); the rest of the stream is not bounded by it."""
        conn = endpoint.engine.connect()
        try:
            with reads_within(conn.connection.dbapi_connection, deadline):
                work = start(conn, after)
                head = list(islice(work, 1))
            return cls(endpoint, conn, work, head)
        except BaseException:
            conn.close()
            raise

    def close(self) -> None:
        try:
            close = getattr(self.work, "close", None)
            if close is not None:
                close()  # the work's own cleanup (ending a transaction) needs its connection
        finally:
            self.conn.close()


def resumable_stream(begin: Callable[[P | None], StreamPart],
                     mark_offline: Callable[[Endpoint, BaseException], None]) -> Iterator[T]:
    """The items of `begin(None)`, then of `begin(last position)` after each lost connection.

    The first part begins before this returns, so a read no endpoint can serve raises here. Each
    part's connection stays checked out until the iterator is exhausted or closed.
    """
    source = begin(None)

    def stream() -> Iterator[T]:
        nonlocal source
        position = None
        try:
            while True:
                try:
                    position, item = next(source.items)
                except StopIteration:
                    return
                except DBAPIError as exc:
                    if not is_connection_error(exc):
                        raise
                    # A dead socket says nothing of the endpoint (behind a proxy, one backend
                    # died): the failover finds out. A refusal or a timeout is about the endpoint.
                    if not is_stale_connection_error(exc):
                        mark_offline(source.endpoint, exc)
                    source.close()
                    source = begin(position)
                    continue
                yield item
        finally:
            source.close()

    return stream()
