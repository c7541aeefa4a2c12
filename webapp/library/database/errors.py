"""Which database errors mean "this endpoint is unreachable" rather than "this query is wrong"."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

# Client-side codes (CR_*) and server codes that say nothing about the query itself.
CONNECTION_ERROR_CODES = frozenset({
    0,  # PyMySQL: the connection is already closed
    1040,  # too many connections
    1053,  # server shutdown in progress
    1927,  # connection killed
    2002, 2003,  # can't connect (socket / TCP)
    2005,  # unknown host
    2006,  # server has gone away
    2013,  # lost connection during query (also PyMySQL's read timeout)
    2014, 2027, 2055,  # commands out of sync, malformed packet, lost connection at handshake
    # ProxySQL 2.7: no usable backend in the hostgroup (9001 max connect timeout, 9002 max connect
    # failures). Its other client-facing codes are not about reachability: 9003 unsupported
    # command, 9005/9006 hostgroup locks; 9004 and 9007 only ever feed its metrics.
    9001, 9002,
})

# Errors where the socket was dead before the query went out: a pooled connection left behind by
# a server restart. A fresh connection to the same endpoint may well work.
STALE_CONNECTION_CODES = frozenset({0, 2006, 2013, 2055})

READ_ONLY_CODES = frozenset({1290, 1836})  # the server runs with --read-only

# The server at that address refused or is shutting down (as opposed to a proxy with no backend, a
# full connection table, or a pooled socket a restart left dead): every endpoint on the same
# address is as unreachable. A timeout (a frozen server) counts too, see is_server_unreachable.
SERVER_UNREACHABLE_CODES = frozenset({1053, 2002, 2003, 2005})


def error_code(exc: BaseException) -> int | None:
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    args = getattr(orig, "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return error_code(exc) in CONNECTION_ERROR_CODES or is_timeout(exc)


def is_stale_connection_error(exc: BaseException) -> bool:
    """A dead pooled socket, as opposed to a server that is down or not answering in time."""
    return error_code(exc) in STALE_CONNECTION_CODES and not is_timeout(exc)


def is_server_unreachable(exc: BaseException) -> bool:
    return error_code(exc) in SERVER_UNREACHABLE_CODES or is_timeout(exc)


def is_read_only_error(exc: BaseException) -> bool:
    return error_code(exc) in READ_ONLY_CODES


def is_timeout(exc: BaseException) -> bool:
    """The server (or the backend a proxy picked) did not answer in time."""
    return "timed out" in str(exc).lower()
