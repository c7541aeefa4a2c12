"""App-side failover on real servers: reads survive any single server loss, writes go read-only."""

from __future__ import annotations

import random

import pytest

from native.cluster import wait_until
from tests.conftest import SHORT_OFFLINE_S, SMALL_SEED_READERS


def read_statuses(client, count: int = 40) -> list[int]:
    rng = random.Random(count)
    return [client.get(f"/api/v1/library/reader/{rng.randint(1, SMALL_SEED_READERS)}/").status_code
            for _ in range(count)]


def reader_endpoint(app, port: int):
    return next(e for e in app.extensions["library.router"].readers if e.name.endswith(f":{port}"))


def new_reader(n: str) -> dict[str, str]:
    return {"first_name": "Fail", "last_name": "Over", "email": f"failover.{n}.{random.random()}@example.org"}


@pytest.mark.parametrize("fault", ["stop", "kill"])
def test_reads_survive_replica_loss(app, client, servers_restored, fault):
    assert set(read_statuses(client, 10)) == {200}  # warm the pools first
    getattr(servers_restored.slave, fault)()
    assert set(read_statuses(client)) == {200}
    assert not reader_endpoint(app, servers_restored.slave.port).is_online()
    health = client.get("/api/v1/health")
    assert health.status_code == 200 and health.get_json()["status"] == "ok"


def test_master_down_reads_work_and_writes_get_503(app, client, servers_restored):
    servers_restored.master.stop()
    assert set(read_statuses(client)) == {200}
    response = client.post("/api/v1/library/reader/", json=new_reader("a"))
    assert response.status_code == 503
    assert response.get_json()["error"].startswith("read-only mode: ")
    # Known down: later writes are refused without touching the network until the window passes.
    writer = app.extensions["library.router"].writer
    assert not writer.is_online()
    assert client.post("/api/v1/library/reader/", json=new_reader("b")).status_code == 503
    health = client.get("/api/v1/health").get_json()
    assert (health["status"], health["reads"], health["writes"]) == ("read-only", True, False)


def test_master_back_writes_recover_and_replica_catches_up(client, servers_restored):
    servers_restored.master.stop()
    assert client.post("/api/v1/library/reader/", json=new_reader("c")).status_code == 503
    servers_restored.master.start()
    statuses = []

    def write_succeeds() -> bool:
        statuses.append(client.post("/api/v1/library/reader/", json=new_reader("d")).status_code)
        return statuses[-1] == 201

    wait_until(write_succeeds, timeout=SHORT_OFFLINE_S + 10, interval=0.2, message="writes to recover")
    assert set(statuses) <= {503, 201}
    servers_restored.wait_replica_caught_up(timeout=30)


def test_stale_pooled_connections_never_reach_clients(client, servers_restored):
    assert set(read_statuses(client, 20)) == {200}
    for server in (servers_restored.slave, servers_restored.master):
        server.stop()
        server.start()
    servers_restored.slave.root_query("START SLAVE")
    assert set(read_statuses(client)) == {200}
    assert client.post("/api/v1/library/reader/", json=new_reader("e")).status_code == 201


def test_offline_reader_is_tried_again_after_its_window(app, client, servers_restored):
    servers_restored.slave.stop()
    read_statuses(client, 10)
    replica = reader_endpoint(app, servers_restored.slave.port)
    assert not replica.is_online()
    wait_until(replica.is_online, timeout=SHORT_OFFLINE_S + 2, message="the offline window to end")
    # Still down: the first read that picks it flags it again, and no client sees a failure.
    statuses = []

    def flagged_again() -> bool:
        statuses.extend(read_statuses(client, 1))
        return not replica.is_online()

    wait_until(flagged_again, timeout=10, interval=0, message="the replica to be flagged again")
    assert set(statuses) == {200}
    servers_restored.slave.start()
    servers_restored.slave.root_query("START SLAVE")
    wait_until(replica.is_online, timeout=SHORT_OFFLINE_S + 2, message="the window to end")
    assert set(read_statuses(client, 20)) == {200}


def test_both_down_then_one_back(client, servers_restored):
    servers_restored.slave.stop()
    servers_restored.master.stop()
    response = client.get("/api/v1/library/reader/1/")
    assert response.status_code == 503
    assert "error" in response.get_json()
    health = client.get("/api/v1/health")
    assert health.status_code == 503 and health.get_json()["status"] == "unavailable"
    servers_restored.slave.start()
    # Every endpoint is flagged, so all are tried: reads return as soon as one server is back.
    assert set(read_statuses(client, 20)) == {200}


def test_query_errors_are_not_retried_and_flag_nothing(app):
    from sqlalchemy.exc import ProgrammingError

    router = app.extensions["library.router"]
    with pytest.raises(ProgrammingError):
        router.read(lambda conn: conn.exec_driver_sql("SELECT * FROM no_such_table").all())
    assert all(endpoint.is_online() for endpoint in router.endpoints)


def test_several_stale_pooled_connections_cost_no_read(app, client, servers_restored):
    """A restarted replica leaves every idle pooled socket dead; with the master also gone, the
    replica's fresh connection must be reached in one retry, not after one failure per socket."""
    for endpoint in app.extensions["library.router"].readers:
        held = [endpoint.engine.raw_connection() for _ in range(3)]
        for connection in held:
            connection.cursor().execute("SELECT 1")
            connection.close()  # back to the pool: three idle connections per endpoint
    servers_restored.slave.stop()
    servers_restored.slave.start()
    servers_restored.slave.root_query("START SLAVE")
    servers_restored.master.stop()
    assert set(read_statuses(client)) == {200}
