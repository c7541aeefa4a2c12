"""With every endpoint flagged, one request at a time checks them; the others wait a moment for
what it finds (a server that is up answers in milliseconds), then answer 503.

Without this, every request during an outage of both servers (or behind a proxy holding queries for
an empty hostgroup) waits out a read timeout per endpoint, and requests queue behind each other.
Without the moment's wait, reads fail while a server is up whose flag has not expired yet (the
replica restarted a few seconds before the master died).
"""

from __future__ import annotations

import threading

import pytest

from library import create_app
from library.config import Settings
from native.cluster import wait_until
from tests.conftest import app_env


@pytest.fixture
def long_window_app(servers_restored, cluster_env):
    """Flags that outlast the test, so 'every endpoint flagged' holds throughout."""
    # A connect timeout well above the wait for another request's check (PROBE_WAIT_SECONDS), so a
    # check of frozen servers visibly outlasts the others' answers.
    app = create_app(Settings.from_env(app_env(
        servers_restored, cluster_env, READER_OFFLINE_SECONDS="120", WRITER_OFFLINE_SECONDS="120",
        DB_CONNECT_TIMEOUT="3")))
    yield app
    app.extensions["library.router"].close()


def test_while_one_request_checks_frozen_servers_the_others_get_503_without_waiting_it_out(long_window_app,
                                                                                          servers_restored):
    router = long_window_app.extensions["library.router"]
    for server in (servers_restored.master, servers_restored.slave):
        server.pause()
    client = long_window_app.test_client()
    assert client.get("/api/v1/library/reader/1/").status_code == 503  # times out on both: all flagged
    assert not any(endpoint.is_online() for endpoint in router.endpoints)

    checker_status = []

    def check() -> None:
        checker_status.append(long_window_app.test_client().get("/api/v1/library/reader/2/").status_code)

    checker = threading.Thread(target=check)
    checker.start()
    wait_until(router.probe.is_held, timeout=10, interval=0.01, message="a request to start checking")
    others = [client.get(f"/api/v1/library/reader/{n}/") for n in (3, 4, 5)]
    health = client.get("/api/v1/health")
    # Answered while the checking request still waits on the frozen servers, not after it.
    assert checker.is_alive()
    assert [r.status_code for r in others] == [503, 503, 503]
    assert all(r.get_json()["error"] for r in others)
    assert health.status_code == 503 and health.get_json()["status"] == "unavailable"
    checker.join(timeout=30)
    assert checker_status == [503]
    assert not router.probe.is_held()


def test_reads_return_with_the_first_server_back_although_its_flag_has_not_expired(long_window_app,
                                                                                    servers_restored):
    router = long_window_app.extensions["library.router"]
    client = long_window_app.test_client()
    for server in (servers_restored.master, servers_restored.slave):
        server.stop()
    assert client.get("/api/v1/library/reader/1/").status_code == 503
    assert not any(endpoint.is_online() for endpoint in router.endpoints)
    servers_restored.slave.start()
    # Flagged for two more minutes, yet the next check finds the replica: reads are back at once.
    assert {client.get(f"/api/v1/library/reader/{n}/").status_code for n in range(1, 21)} == {200}


def test_while_one_request_checks_the_others_wait_for_what_it_finds(long_window_app, servers_restored):
    router = long_window_app.extensions["library.router"]
    servers_restored.master.stop()
    for endpoint in router.endpoints:  # the replica's flag is left from an earlier failure: it is up
        endpoint.mark_offline(ConnectionRefusedError("refused"))
    replica = next(e for e in router.readers if e.address[1] == servers_restored.slave.port)
    assert router.probe.acquire(60)  # another request is checking

    def checker_finds_the_replica() -> None:
        replica.mark_online()
        router.probe.release()

    threading.Timer(0.05, checker_finds_the_replica).start()
    response = long_window_app.test_client().get("/api/v1/library/reader/1/")
    assert response.status_code == 200, response.get_json()
