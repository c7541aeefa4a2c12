"""With every endpoint flagged, one request at a time checks them, readers first; the others wait for
what it finds, within their own time budget, then answer 503 if nothing was found.

Without this, every request during an outage of both servers (or behind a proxy holding queries for
an empty hostgroup) waits out a read timeout per endpoint, and requests queue behind each other.
Without the wait, reads fail while a server is up whose flag has not expired yet (the replica
restarted a few seconds before the master died), or that a proxy has not tried again yet.
"""

from __future__ import annotations

import threading

import pytest

from library import create_app
from library.config import Settings
from library.database.router import DatabaseUnavailable
from native.cluster import wait_until
from tests.conftest import app_env


@pytest.fixture
def long_window_app(servers_restored, cluster_env):
    """Flags that outlast the test, so 'every endpoint flagged' holds throughout."""
    app = create_app(Settings.from_env(app_env(
        servers_restored, cluster_env, READER_OFFLINE_SECONDS="120", WRITER_OFFLINE_SECONDS="120",
        DB_CONNECT_TIMEOUT="3")))
    yield app
    app.extensions["library.router"].close()


def test_while_one_request_checks_frozen_servers_the_others_wait_for_it_instead_of_checking(long_window_app,
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
    others: list[str] = []

    def other() -> None:
        try:
            router.read(lambda conn: conn.exec_driver_sql("SELECT 1").scalar())
        except DatabaseUnavailable as exc:
            others.append(str(exc))

    threads = [threading.Thread(target=other) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    checker.join(timeout=30)
    assert checker_status == [503]
    # Each answered what the one check found, without waiting out the frozen servers itself.
    assert len(others) == 3 and all("another request is checking them" in text for text in others), others
    assert not any("timed out" in text for text in others), others
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


# A server that is up answers a check in milliseconds; behind ProxySQL the check of a server just
# back can take seconds (ProxySQL tries a shunned server again only 3 s after its last error).
@pytest.mark.parametrize("check_seconds", [0.05, 1.5])
def test_while_one_request_checks_the_others_wait_for_what_it_finds(long_window_app, servers_restored,
                                                                    check_seconds):
    router = long_window_app.extensions["library.router"]
    servers_restored.master.stop()
    for endpoint in router.endpoints:  # the replica's flag is left from an earlier failure: it is up
        endpoint.mark_offline(ConnectionRefusedError("refused"))
    replica = next(e for e in router.readers if e.address[1] == servers_restored.slave.port)
    assert router.probe.acquire(60)  # another request is checking

    def checker_finds_the_replica() -> None:
        replica.mark_online()
        router.probe.release()

    threading.Timer(check_seconds, checker_finds_the_replica).start()
    response = long_window_app.test_client().get("/api/v1/library/reader/1/")
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def proxy_like_app(servers_restored, cluster_env):
    """One reader address and another writer address: the router treats each as a proxy's."""
    app = create_app(Settings.from_env(app_env(
        servers_restored, cluster_env, DB_READERS=f"127.0.0.1:{servers_restored.slave.port}",
        READER_OFFLINE_SECONDS="120", WRITER_OFFLINE_SECONDS="120")))
    yield app
    app.extensions["library.router"].close()


def test_the_check_of_flagged_endpoints_tries_readers_before_the_writer(proxy_like_app, servers_restored):
    """Seen behind ProxySQL with the replica back and the master still down: the check spent the
    whole budget waiting on the writer endpoint and never reached the reader, so reads failed."""
    router = proxy_like_app.extensions["library.router"]
    client = proxy_like_app.test_client()
    assert client.get("/api/v1/library/reader/1/").status_code == 200
    servers_restored.master.pause()
    for endpoint in router.endpoints:
        endpoint.mark_offline(ConnectionRefusedError("refused"))
    writer_flagged_until = router.writer.offline_until

    assert client.get("/api/v1/library/reader/2/").status_code == 200
    assert router.writer.offline_until == writer_flagged_until, "the frozen writer was tried first"
