"""All the tries of one read, or one write, share DB_CONNECT_TIMEOUT + DB_READ_TIMEOUT (time_budget.py).

Behind a proxy that holds queries (ProxySQL with no live backend in a hostgroup), a read used to
wait out a read timeout on the reader endpoint, again on its second try, and again on the writer:
three timeouts. Here the master stands in for such a proxy: it is the app's only address, so the
router treats it as one (one timeout says nothing of the backends behind it), and a table lock
holds every lookup the way the proxy would.
"""

from __future__ import annotations

import threading
import time

import pymysql
import pytest

from library import create_app
from library.config import Settings
from library.database.time_budget import TimeBudgetSpent, reads_within
from native.cluster import wait_until
from tests.conftest import app_env

CONNECT_S, READ_S = 1.0, 2.0


@pytest.fixture
def proxy_like_app(servers_restored, cluster_env):
    only = f"127.0.0.1:{servers_restored.master.port}"
    app = create_app(Settings.from_env(app_env(
        servers_restored, cluster_env, DB_WRITER=only, DB_READERS=only, DB_CONNECT_TIMEOUT=str(CONNECT_S),
        DB_READ_TIMEOUT=str(READ_S), READER_OFFLINE_SECONDS="60", WRITER_OFFLINE_SECONDS="60")))
    yield app
    app.extensions["library.router"].close()


def hold_lookups(cluster) -> pymysql.Connection:
    """Every query on the reader table waits (until the returned connection closes), as behind a proxy
    with nowhere to send it."""
    locker = pymysql.connect(unix_socket=str(cluster.master.socket), user="root", database="library")
    locker.cursor().execute("LOCK TABLES reader WRITE")
    return locker


def test_a_held_read_answers_503_within_one_budget_not_one_timeout_per_try(proxy_like_app, servers_restored):
    router = proxy_like_app.extensions["library.router"]
    client = proxy_like_app.test_client()
    assert client.get("/api/v1/library/reader/1/").status_code == 200  # pooled: no connect below
    locker = hold_lookups(servers_restored)
    try:
        started = time.monotonic()
        response = client.get("/api/v1/library/reader/2/")
        elapsed = time.monotonic() - started
    finally:
        locker.close()

    assert response.status_code == 503
    # Three tries (reader, its second try, writer) would take at least 3 x READ_S = 6 s.
    assert elapsed < CONNECT_S + READ_S + 1.0, elapsed
    reader, writer = router.readers[0], router.writer
    assert not reader.is_online(), "the reader waited out a whole read timeout: flagged"
    assert writer.is_online(), "the writer was given no whole timeout: not blamed for the read's spent time"


def test_the_writer_not_blamed_for_a_spent_read_takes_writes_at_once(proxy_like_app, servers_restored):
    client = proxy_like_app.test_client()
    assert client.get("/api/v1/library/reader/1/").status_code == 200
    locker = hold_lookups(servers_restored)
    try:
        assert client.get("/api/v1/library/reader/3/").status_code == 503
    finally:
        locker.close()
    response = client.post("/api/v1/library/reader/", json={"first_name": "Budget", "last_name": "Spent",
                                                              "email": "budget.spent@example.org"})
    assert response.status_code == 201, response.get_json()


def test_reads_within_cuts_the_read_timeout_to_what_is_left_and_restores_it(servers_restored):
    conn = pymysql.connect(unix_socket=str(servers_restored.master.socket), user="root", read_timeout=READ_S)
    try:
        with reads_within(conn, time.monotonic() + 0.5):
            assert 0.3 < conn._read_timeout <= 0.5
            with pytest.raises(pymysql.err.OperationalError, match="timed out"):
                conn.cursor().execute("SELECT SLEEP(1.5)")
        assert conn._read_timeout == READ_S
    finally:
        conn.close()


def test_reads_within_keeps_a_shorter_configured_timeout_and_refuses_a_spent_budget(servers_restored):
    conn = pymysql.connect(unix_socket=str(servers_restored.master.socket), user="root", read_timeout=READ_S)
    try:
        with reads_within(conn, time.monotonic() + 60):
            assert conn._read_timeout == READ_S
            conn.cursor().execute("SELECT 1")
        with pytest.raises(TimeBudgetSpent), reads_within(conn, time.monotonic() - 1):
            conn.cursor().execute("SELECT 1")
    finally:
        conn.close()


def test_a_write_retried_after_its_connection_died_gets_only_what_is_left(servers_restored, cluster_env):
    """Behind ProxySQL a write to a frozen master is cut off when the health check shuns it (error
    2013 after seconds of waiting), then retried into an empty hostgroup that holds it. Here the lock
    holds it and a KILL cuts it off: the retry must end within the budget, not a whole timeout later."""
    connect_s, read_s, killed_after_s = 1.0, 4.0, 3.0
    app = create_app(Settings.from_env(app_env(servers_restored, cluster_env, DB_CONNECT_TIMEOUT=str(connect_s),
                                               DB_READ_TIMEOUT=str(read_s))))
    master = servers_restored.master
    locker = hold_lookups(servers_restored)
    try:
        def kill_the_waiting_write() -> None:
            wait_until(lambda: writer_waiting(master), timeout=10, interval=0.01, message="the write to wait")
            time.sleep(killed_after_s)
            for row in writer_waiting(master):
                master.root_query(f"KILL CONNECTION {int(row['Id'])}")

        killer = threading.Thread(target=kill_the_waiting_write)
        killer.start()
        started = time.monotonic()
        response = app.test_client().post("/api/v1/library/reader/", json={
            "first_name": "Cut", "last_name": "Off", "email": "cut.off@example.org"})
        elapsed = time.monotonic() - started
        killer.join()
    finally:
        locker.close()
        app.extensions["library.router"].close()

    assert response.status_code == 503 and response.get_json()["error"].startswith("read-only mode")
    # A whole read timeout after the kill would end at killed_after_s + read_s = 7 s.
    assert elapsed < connect_s + read_s + 1.0, elapsed
    servers_restored.wait_replica_caught_up()
    assert not master.root_query("SELECT id FROM library.reader WHERE email = 'cut.off@example.org'")


def writer_waiting(server) -> list[dict]:
    return [row for row in server.root_query("SHOW PROCESSLIST")
            if row["User"] == "library_writer" and str(row["Info"] or "").startswith("INSERT")]
