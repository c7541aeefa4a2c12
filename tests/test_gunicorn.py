"""The app behind the real gunicorn: what gunicorn refuses on its own still answers in the API's
JSON error shape, and gunicorn opens no listener beyond the app's port."""

from __future__ import annotations

import http.client
import json
import socket
import threading

import pymysql
import pytest

from native.app_server import AppServer
from native.cluster import wait_until
from tests.conftest import app_env, free_port


@pytest.fixture(scope="module")
def served(migrated, cluster_env, tmp_path_factory):
    server = AppServer(tmp_path_factory.mktemp("gunicorn"), app_env(
        migrated, cluster_env, APP_PORT=str(free_port()), GUNICORN_WORKERS="2"))
    server.start()
    yield server
    server.stop()


def raw_request(server: AppServer, request: bytes) -> tuple[int, str, dict]:
    """Send bytes as they are (no client library rewrites them) and parse the answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.getheader("Content-Type", ""), json.loads(response.read())


def test_a_request_line_gunicorn_refuses_is_a_json_error(served):
    status, content_type, body = raw_request(served, b"GET /api/v1/library/reader/" + b"9" * 9000 + b"/ HTTP/1.1\r\n"
                                             b"Host: x\r\n\r\n")
    assert status == 414 and content_type == "application/json" and body["error"]


def test_oversized_headers_are_a_json_error(served):
    status, content_type, body = raw_request(served, b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: "
                                             + b"a" * 9000 + b"\r\n\r\n")
    assert status == 431 and content_type == "application/json" and body["error"]


def test_malformed_http_is_a_json_error(served):
    status, content_type, body = raw_request(served, b"NOT HTTP AT ALL\r\n\r\n")
    assert status == 400 and content_type == "application/json" and body["error"]


def test_a_five_thousand_digit_id_reaches_the_app_and_is_a_json_404(served):
    status, content_type, body = raw_request(served, b"GET /api/v1/library/reader/" + b"9" * 5000 + b"/ HTTP/1.1\r\n"
                                             b"Host: x\r\nConnection: close\r\n\r\n")
    assert status == 404 and content_type == "application/json" and "not found" in body["error"]


def test_a_chunked_body_over_the_limit_is_413(served):
    payload = json.dumps({"first_name": "A" * 70_000}).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
    status, content_type, body = raw_request(served, b"POST /api/v1/library/reader/ HTTP/1.1\r\nHost: x\r\n"
                                             b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                                             b"Connection: close\r\n\r\n" + chunked)
    assert status == 413 and content_type == "application/json" and body["error"]


def test_gunicorn_opens_no_control_socket(served):
    assert "Control socket" not in served.log_file.read_text()


def test_a_request_held_by_the_database_does_not_hold_up_the_others(migrated, cluster_env, tmp_path):
    """One worker process: a lookup waiting on a locked table must not queue the next request."""
    server = AppServer(tmp_path, app_env(migrated, cluster_env, APP_PORT=str(free_port()), GUNICORN_WORKERS="1"))
    server.start()
    lockers = [pymysql.connect(unix_socket=str(s.socket), user="root", database="library")
               for s in (migrated.master, migrated.slave)]
    held: list[int] = []
    try:
        for locker in lockers:
            locker.cursor().execute("LOCK TABLES reader WRITE")
        lookup = threading.Thread(target=lambda: held.append(http_get(server, "/api/v1/library/reader/1/")[0]))
        lookup.start()
        wait_until(lambda: any(waiting_on_lock(s) for s in (migrated.master, migrated.slave)), timeout=10,
                   interval=0.01, message="the lookup to wait on the lock")
        status, _ = http_get(server, "/api/v1/openapi.json")
        assert status == 200
        assert lookup.is_alive(), "answered only after the held lookup: requests queue behind it"
    finally:
        for locker in lockers:
            locker.close()
        lookup.join(timeout=30)
        server.stop()
    assert held and held[0] in (200, 503), held  # an answer, after the lock (200) or the timeouts (503)


def http_get(server: AppServer, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def waiting_on_lock(server) -> bool:
    return any("lock" in str(row["State"]).lower() and row["User"] == "library_reader"
               for row in server.root_query("SHOW PROCESSLIST"))
