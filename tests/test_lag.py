"""Replica lag: measured from GTID positions; a replica past the limit serves no reads until it
has caught up."""

from __future__ import annotations

import pytest

from drill.faults import ApplierLock
from library import create_app
from library.config import Settings
from library.database.lag import LagTracker, has_reached, parse_gtid_position
from native.cluster import wait_until
from tests.conftest import app_env


def test_gtid_positions_are_parsed_per_domain():
    assert parse_gtid_position("0-1-42,3-2-7") == {0: 42, 3: 7}
    assert parse_gtid_position("") == {} and parse_gtid_position(None) == {}


def test_a_position_is_reached_only_in_every_domain():
    assert has_reached({0: 5, 1: 2}, {0: 5})
    assert not has_reached({0: 4}, {0: 5})
    assert not has_reached({0: 9}, {0: 5, 1: 1})


def test_lag_is_the_age_of_the_oldest_position_not_reached():
    tracker = LagTracker()
    tracker.observe_master({0: 10}, now=100.0)
    tracker.observe_master({0: 10}, now=101.0)  # unchanged: still first seen at 100
    tracker.observe_master({0: 12}, now=103.0)
    assert tracker.lag({0: 9}, now=110.0) == 10.0
    assert tracker.lag({0: 10}, now=110.0) == 7.0
    assert tracker.lag({0: 12}, now=110.0) == 0.0
    tracker.forget_reached([{0: 12}])
    assert tracker.lag({0: 9}, now=110.0) == 7.0  # only the newest position is kept


@pytest.fixture
def lag_app(servers_restored, cluster_env):
    app = create_app(Settings.from_env(app_env(servers_restored, cluster_env, MAX_REPLICA_LAG_SECONDS="1",
                                               LAG_CHECK_SECONDS="0.2")))
    yield app
    app.extensions["library.router"].close()


def replica_index_reads(cluster) -> int:
    """Index lookups on the replica: reader lookups make them, the lag check's SELECT @@var does not."""
    return int(cluster.slave.root_query("SHOW GLOBAL STATUS LIKE 'Handler_read_key'")[0]["Value"])


def test_a_lagging_replica_serves_no_reads_until_it_catches_up(lag_app, servers_restored):
    client = lag_app.test_client()
    replica = next(e for e in lag_app.extensions["library.router"].readers
                   if e.name.endswith(f":{servers_restored.slave.port}"))
    lock = ApplierLock()
    lock.hold(servers_restored)
    try:
        created = client.post("/api/v1/library/reader/", json={"first_name": "L", "last_name": "Ag",
                                                                "email": "lagging.replica@example.org"})
        assert created.status_code == 201
        assert client.get("/api/v1/health").status_code == 200  # the first read starts the lag check
        wait_until(lambda: replica.lagging, timeout=20, message="the replica to be flagged lagging")
        # The replica has not applied the new reader: had it served any of these, one would be 404.
        assert {client.get(created.headers["Location"]).status_code for _ in range(30)} == {200}
    finally:
        lock.release(servers_restored)
    wait_until(lambda: not replica.lagging, timeout=20, message="the replica to catch up")
    before = replica_index_reads(servers_restored)
    assert {client.get(created.headers["Location"]).status_code for _ in range(30)} == {200}
    assert replica_index_reads(servers_restored) > before  # it serves reads again


def measured_replica(app, cluster):
    """The replica's endpoint, once the lag monitor (started by a first read) has measured it."""
    replica = next(r for r in app.extensions["library.router"].readers if r.address[1] == cluster.slave.port)
    app.test_client().get("/api/v1/library/reader/1/")
    wait_until(lambda: replica.lag_seconds == 0.0, timeout=20, message="the replica's lag to be measured")
    return replica


def test_a_replica_that_stopped_answering_has_unknown_lag(lag_app, servers_restored):
    router = lag_app.extensions["library.router"]
    replica = measured_replica(lag_app, servers_restored)
    servers_restored.slave.kill()
    router.lag_monitor.check()
    described = replica.describe()
    assert described["lag_s"] is None and described["lagging"] is False


def test_an_endpoint_flagged_offline_shows_unknown_lag_at_once(app):
    replica = app.extensions["library.router"].readers[-1]
    replica.set_lag(0.0, limit=10)
    replica.mark_offline(ConnectionRefusedError("refused"))
    try:
        assert replica.describe()["lag_s"] is None  # not its last measured value until the next check
    finally:
        replica.mark_online()


def test_with_the_master_down_the_replicas_lag_is_unknown(lag_app, servers_restored):
    """Found by a new-user trial: health said lag 0.0 (measured against the master's last position)
    while `make status` said unknown. Without the master nobody knows what the replica misses."""
    router = lag_app.extensions["library.router"]
    replica = measured_replica(lag_app, servers_restored)
    servers_restored.master.kill()
    router.lag_monitor.check()
    described = replica.describe()
    assert described["online"] is True, described
    assert described["lag_s"] is None, described
