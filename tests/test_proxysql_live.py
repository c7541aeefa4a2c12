"""A real ProxySQL in front of the session's master and replica, with the app connected through it.

Runs the committed template and start script with a short shun window (the production values are
pinned by test_proxysql_config.py). Skipped, with the reason, when no ProxySQL binary exists.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pymysql
import pytest
from sqlalchemy import event

from library import create_app
from library.config import Settings
from library.database.errors import error_code
from native.cluster import wait_until
from native.proxysql_server import READER_HOSTGROUP, WRITER_HOSTGROUP, ProxySQLServer, find_proxysql
from native.proxysql_status import print_proxysql_status, proxysql_rows
from tests.conftest import SMALL_SEED_READERS, app_env, free_port

BINARY = find_proxysql(dict(os.environ))
if BINARY is None:
    pytest.skip("no ProxySQL binary: set PROXYSQL_BIN or put proxysql on PATH", allow_module_level=True)

SHUN_SECONDS = 3


@pytest.fixture(scope="module")
def proxysql(migrated, cluster_env) -> Iterator[ProxySQLServer]:
    home = Path(tempfile.mkdtemp(prefix="library-proxysql-"))
    env = {**cluster_env, "PROXYSQL_ADMIN_PASSWORD": secrets.token_hex(12),
           "PROXYSQL_SHUN_SECONDS": str(SHUN_SECONDS)}
    server = ProxySQLServer(home, BINARY, free_port(), free_port(), migrated.master.port, migrated.slave.port, env)
    try:
        server.start()  # inside the try: a start that times out must not leave ProxySQL running
        yield server
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def app(proxysql, migrated, cluster_env):
    """The app with both of its connections on ProxySQL, as `make up` wires it natively."""
    address = f"127.0.0.1:{proxysql.mysql_port}"
    env = app_env(migrated, cluster_env, DB_WRITER=address, DB_READERS=address, MAX_REPLICA_LAG_SECONDS="0")
    app = create_app(Settings.from_env(env))
    app.config["TESTING"] = True
    yield app
    app.extensions["library.router"].close()


@pytest.fixture
def backends_restored(servers_restored, proxysql):
    """Both servers up and replicating, and ProxySQL serving from both again, after the test."""
    yield servers_restored
    for server in (servers_restored.master, servers_restored.slave):
        server.resume()
        server.start()
    servers_restored.slave.root_query("START SLAVE")

    def all_online() -> bool:
        ask_every_hostgroup(proxysql)  # a shunned server comes back only when traffic asks for it
        return all(status == "ONLINE" for status in statuses(proxysql).values())

    wait_until(all_online, timeout=SHUN_SECONDS + 30, interval=0.3, message="both backends ONLINE in ProxySQL")


def ask_every_hostgroup(proxysql: ProxySQLServer) -> None:
    """One query as the writer and one as the reader account, on fresh connections."""
    for role in ("WRITER", "READER"):
        with contextlib.suppress(pymysql.MySQLError):
            conn = pymysql.connect(host="127.0.0.1", port=proxysql.mysql_port, connect_timeout=2, read_timeout=2,
                                   user=proxysql.env.get(f"DB_{role}_USER", f"library_{role.lower()}"),
                                   password=proxysql.env[f"DB_{role}_PASSWORD"])
            with conn:
                conn.cursor().execute("SELECT 1")


def statuses(proxysql: ProxySQLServer) -> dict[tuple[int, int], str]:
    """(hostgroup, port) -> status, as ProxySQL routes right now."""
    rows = proxysql.admin_query("SELECT hostgroup_id, port, status FROM runtime_mysql_servers")
    return {(int(r["hostgroup_id"]), int(r["port"])): r["status"] for r in rows}


def queries(proxysql: ProxySQLServer) -> dict[tuple[int, int], int]:
    """(hostgroup, port) -> queries ProxySQL has sent to that backend."""
    rows = proxysql.admin_query("SELECT hostgroup, srv_port, Queries FROM stats_mysql_connection_pool")
    return {(int(r["hostgroup"]), int(r["srv_port"])): int(r["Queries"]) for r in rows}


def questions(proxysql: ProxySQLServer) -> int:
    rows = proxysql.admin_query("SELECT Variable_Value FROM stats_mysql_global WHERE Variable_Name='Questions'")
    return int(rows[0]["Variable_Value"])


def read_statuses(client, count: int = 40) -> list[int]:
    rng = random.Random(count)
    return [client.get(f"/api/v1/library/reader/{rng.randint(1, SMALL_SEED_READERS)}/").status_code
            for _ in range(count)]


def create_reader(client) -> int:
    body = {"first_name": "Via", "last_name": "Proxy", "email": f"proxy.{secrets.token_hex(6)}@example.org"}
    return client.post("/api/v1/library/reader/", json=body).status_code


def served_more(proxysql: ProxySQLServer, before: dict, key: tuple[int, int]) -> bool:
    return queries(proxysql).get(key, 0) > before.get(key, 0)


def test_reads_spread_across_both_backends(client, proxysql, migrated):
    assert read_statuses(client, 1) == [200]  # connects: SQLAlchemy's first queries are not reads
    before = queries(proxysql)
    assert set(read_statuses(client)) == {200}
    for port in (migrated.master.port, migrated.slave.port):
        assert served_more(proxysql, before, (READER_HOSTGROUP, port)), f"backend {port} served no read"


def test_writes_go_only_to_the_master(client, proxysql, migrated):
    before = queries(proxysql)
    assert [create_reader(client) for _ in range(3)] == [201] * 3
    after = queries(proxysql)
    assert after[(WRITER_HOSTGROUP, migrated.master.port)] >= before[(WRITER_HOSTGROUP, migrated.master.port)] + 3
    assert {key: after[key] for key in after if key[0] == READER_HOSTGROUP} == \
        {key: before[key] for key in before if key[0] == READER_HOSTGROUP}
    migrated.wait_replica_caught_up()


def test_replica_runs_read_only_and_is_never_a_writer(proxysql, migrated):
    assert migrated.slave.root_query("SELECT @@read_only AS ro")[0]["ro"] == 1
    writers = [port for (hostgroup, port) in statuses(proxysql) if hostgroup == WRITER_HOSTGROUP]
    assert writers == [migrated.master.port]


def test_replica_stop_reads_keep_answering_and_replica_is_shunned(client, proxysql, backends_restored):
    replica = (READER_HOSTGROUP, backends_restored.slave.port)
    assert set(read_statuses(client, 10)) == {200}
    backends_restored.slave.stop()
    assert set(read_statuses(client)) == {200}
    wait_until(lambda: statuses(proxysql)[replica] == "SHUNNED", timeout=10, interval=0.2,
               message="ProxySQL to shun the stopped replica")


def test_replica_back_serves_reads_after_the_window(client, proxysql, backends_restored):
    replica = (READER_HOSTGROUP, backends_restored.slave.port)
    backends_restored.slave.stop()
    wait_until(lambda: statuses(proxysql)[replica] == "SHUNNED", timeout=10, interval=0.2, message="shunned")
    backends_restored.slave.start()
    backends_restored.slave.root_query("START SLAVE")
    before = queries(proxysql)
    served: list[int] = []

    def replica_serves_again() -> bool:
        served.extend(read_statuses(client, 5))  # a shunned server comes back only when asked for
        return served_more(proxysql, before, replica)

    wait_until(replica_serves_again, timeout=SHUN_SECONDS + 20, interval=0.2, message="the replica to serve reads")
    assert set(served) == {200}


def test_backend_death_under_a_pinned_connection_is_invisible(app, client, proxysql, backends_restored):
    """A client connection pinned to one backend gets error 2013 once when it dies; the app retries."""
    engine = app.extensions["library.router"].readers[0].engine
    port = backends_restored.slave.port
    for _ in range(50):  # `SELECT @@port` turns multiplexing off: the connection stays on that backend
        with engine.connect() as conn:
            if conn.exec_driver_sql("SELECT @@port").scalar() == port:
                break
            conn.invalidate()
    else:
        pytest.fail("no pooled connection landed on the replica")
    dropped: list[BaseException | None] = []  # why the app dropped a pooled connection
    event.listen(engine, "invalidate", lambda _dbapi_conn, _record, exc: dropped.append(exc))
    backends_restored.slave.stop()
    assert set(read_statuses(client, 10)) == {200}
    assert 2013 in [error_code(exc) for exc in dropped if exc is not None]


def test_master_stop_reads_answer_and_writes_get_503_at_once(app, client, proxysql, backends_restored):
    backends_restored.master.stop()
    assert set(read_statuses(client)) == {200}
    response = client.post("/api/v1/library/reader/", json={"first_name": "a", "last_name": "b",
                                                           "email": "master.down@example.org"})
    assert response.status_code == 503
    assert response.get_json()["error"].startswith("read-only mode: ")
    # Known down: the next write is refused without sending ProxySQL a single query.
    assert not app.extensions["library.router"].writer.is_online()
    asked = questions(proxysql)
    assert create_reader(client) == 503
    assert questions(proxysql) == asked
    # The replica keeps serving although its lag is unknown, and is never promoted.
    assert statuses(proxysql)[(READER_HOSTGROUP, backends_restored.slave.port)] == "ONLINE"
    assert [port for (hg, port) in statuses(proxysql) if hg == WRITER_HOSTGROUP] == [backends_restored.master.port]
    # The container health check (healthcheck/proxysql-ready.sh) reports the missing writer.
    wait_until(lambda: not proxysql.ready(), timeout=10, interval=0.3, message="the health check to fail")


def test_master_back_writes_recover(client, proxysql, backends_restored):
    backends_restored.master.stop()
    assert create_reader(client) == 503
    backends_restored.master.start()
    outcomes: list[int] = []

    def write_succeeds() -> bool:
        outcomes.append(create_reader(client))
        return outcomes[-1] == 201

    wait_until(write_succeeds, timeout=SHUN_SECONDS + 20, interval=0.2, message="writes to recover")
    assert set(outcomes) <= {503, 201}


def test_prometheus_metrics_cover_every_backend(proxysql, migrated):
    """The metrics the REST endpoint (/metrics) serves, read here through the admin interface."""
    (row,) = proxysql.admin_query("SHOW PROMETHEUS METRICS")
    text = next(iter(row.values()))
    statuses = re.findall(r'^proxysql_connpool_conns_status\{([^}]*)\} (\S+)$', text, re.MULTILINE)
    endpoints = {labels for labels, _ in statuses}
    for port in (migrated.master.port, migrated.slave.port):
        assert any(f'endpoint="127.0.0.1:{port}"' in labels for labels in endpoints), port


def test_status_table_shows_each_backend_per_hostgroup(proxysql, migrated, capsys):
    replica = f"127.0.0.1:{migrated.slave.port}"
    wait_until(lambda: any(row["server"] == replica and row["lag_s"] == "0" for row in proxysql_rows(proxysql)),
               timeout=10, interval=0.3, message="a lag check of the running replica")
    print_proxysql_status(proxysql)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["HG", "ROLE", "SERVER", "STATUS", "WEIGHT", "READ_ONLY", "LAG_S", "MAX_LAG_S",
                                "CONN_USED", "CONN_FREE", "CONN_ERR", "QUERIES"]
    rows = sorted(tuple(line.split()[:8]) for line in lines[2:])
    master = f"127.0.0.1:{migrated.master.port}"
    assert rows == sorted([("10", "writer", master, "ONLINE", "1", "OFF", "-", "-"),
                           ("20", "reader", master, "ONLINE", "1", "OFF", "-", "-"),
                           ("20", "reader", replica, "ONLINE", "1", "ON", "0", "10")])


def test_starting_a_running_proxysql_again_does_not_wait_for_a_shunned_master(proxysql, backends_restored):
    """`make up` after a master crash restarts the master; ProxySQL keeps it shunned until traffic
    asks for it, so the launcher must not wait for the writer to be ONLINE before going on."""
    backends_restored.master.kill()
    wait_until(lambda: statuses(proxysql).get((10, backends_restored.master.port)) != "ONLINE",
               timeout=SHUN_SECONDS + 10, interval=0.3, message="the master to leave ONLINE")
    backends_restored.master.start()
    proxysql.start(timeout=3)
    assert proxysql.is_running()


def test_frozen_master_costs_no_read_behind_proxysql(proxysql, migrated, cluster_env, backends_restored):
    """A read ProxySQL sends to a frozen master times out; the backend was at fault, not ProxySQL,
    so the read is retried through ProxySQL (which has shunned the master meanwhile)."""
    address = f"127.0.0.1:{proxysql.mysql_port}"
    # Production's read timeout (5 s) is longer than ProxySQL's ping-based detection (3 missed pings).
    env = app_env(migrated, cluster_env, DB_WRITER=address, DB_READERS=address, MAX_REPLICA_LAG_SECONDS="0",
                  DB_READ_TIMEOUT="5")
    app = create_app(Settings.from_env(env))
    try:
        client = app.test_client()
        assert set(read_statuses(client, 10)) == {200}
        backends_restored.master.pause()
        assert set(read_statuses(client, 12)) == {200}
    finally:
        backends_restored.master.resume()
        app.extensions["library.router"].close()
