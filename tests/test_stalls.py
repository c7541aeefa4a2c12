"""A frozen server (SIGSTOP: connections hang instead of failing) is flagged once, for every role.

The master is both a reader endpoint and the writer endpoint. Once either times out, the other must
be flagged too: otherwise the next request through the other role waits out a second timeout.
"""

from __future__ import annotations

import pymysql

from library import create_app
from library.config import Settings
from native.cluster import wait_until
from tests.conftest import SMALL_SEED_READERS, app_env


def master_endpoints(app, port: int):
    router = app.extensions["library.router"]
    return [e for e in router.endpoints if e.name.endswith(f":{port}")]


def test_a_read_timing_out_on_the_frozen_master_flags_the_writer_too(app, client, servers_restored):
    port = servers_restored.master.port
    reader, writer = master_endpoints(app, port)
    assert (reader.role, writer.role) == ("reader", "writer")
    servers_restored.master.pause()
    statuses = []

    def reader_flagged() -> bool:
        statuses.append(client.get(f"/api/v1/library/reader/{len(statuses) % SMALL_SEED_READERS + 1}/").status_code)
        return not reader.is_online()

    wait_until(reader_flagged, timeout=30, interval=0, message="a read to reach the frozen master")
    assert set(statuses) == {200}
    assert not writer.is_online()
    response = client.post("/api/v1/library/reader/", json={"first_name": "F", "last_name": "Z",
                                                              "email": "frozen@example.org"})
    assert response.status_code == 503 and response.get_json()["error"].startswith("read-only mode")


def test_a_write_timing_out_on_the_frozen_master_flags_its_reader_endpoint(app, client, servers_restored):
    reader, writer = master_endpoints(app, servers_restored.master.port)
    servers_restored.master.pause()
    response = client.post("/api/v1/library/reader/", json={"first_name": "F", "last_name": "Z",
                                                              "email": "frozen2@example.org"})
    assert response.status_code == 503
    assert not writer.is_online() and not reader.is_online()


def test_export_timing_out_inside_its_snapshot_is_503_not_500(cluster_env, servers_restored):
    """The export reads in a snapshot transaction: ending it on a timed-out connection must not mask
    the connection error the router fails over on (it did: PendingRollbackError, a 500)."""
    only_master = f"127.0.0.1:{servers_restored.master.port}"
    app = create_app(Settings.from_env(app_env(servers_restored, cluster_env, DB_READERS=only_master)))
    locker = pymysql.connect(unix_socket=str(servers_restored.master.socket), user="root", database="library")
    try:
        client = app.test_client()
        # The snapshot starts; its first chunk query then waits on the lock past the read timeout.
        locker.cursor().execute("LOCK TABLES reader WRITE")
        response = client.get("/api/v1/library/export/")
        assert response.status_code == 503
        assert response.get_json()["error"]
    finally:
        locker.close()
        app.extensions["library.router"].close()
