"""ProxySQL's own error packets, classified as ProxySQL 2.7 sends them (lib/MySQL_Session.cpp).

Only 9001 and 9002 mean "no usable backend"; the other 900x codes a client can receive are about
the query or the session (unsupported command, hostgroup lock), and must not flag the endpoint.
"""

from __future__ import annotations

import pymysql
import pytest
from sqlalchemy.exc import OperationalError

from library.database.errors import is_connection_error, is_stale_connection_error

NO_BACKEND = [
    (9001, "Max connect timeout reached while reaching hostgroup 10 after 31000ms"),
    (9002, "Max connect failure while reaching hostgroup 10"),
]
NOT_ABOUT_THE_BACKEND = [
    (9003, "Command not supported"),
    (9005, "Session trying to reach HG 20 while locked on HG 10 . Rejecting query: SELECT 1"),
    (9006, "ProxySQL Error: connection is locked to hostgroup 10 but trying to reach hostgroup 20"),
]


def proxysql_error(code: int, message: str) -> OperationalError:
    return OperationalError("SELECT 1", {}, pymysql.err.OperationalError(code, message))


@pytest.mark.parametrize(("code", "message"), NO_BACKEND)
def test_no_backend_errors_are_connection_errors(code, message):
    error = proxysql_error(code, message)
    assert is_connection_error(error)
    assert not is_stale_connection_error(error)  # a fresh connection would wait just as long


@pytest.mark.parametrize(("code", "message"), NOT_ABOUT_THE_BACKEND)
def test_query_and_session_errors_do_not_flag_the_endpoint(code, message):
    assert not is_connection_error(proxysql_error(code, message))
