"""Short failure drills: a few seconds of mixed load while each fault of `make drill` is injected.

Targets are asserted by counting answers: no failed read while any server is up, no write answered
other than 201 or the promised 503, no request past the hang limit, nothing acknowledged lost and
nothing refused applied, and the app both noticed the fault and came back from it.
"""

from __future__ import annotations

import pytest

from drill.client import FlaskClient
from drill.faults import all_faults
from drill.load import LoadGenerator
from drill.scenario import HealthWatch, check_writes, run_fault
from library import create_app
from library.config import Settings
from tests.conftest import SHORT_OFFLINE_S, SMALL_SEED_READERS, app_env

LAG_LIMIT_S, LAG_CHECK_S = 1.0, 0.2
# Generous: a request may wait out one read timeout (2 s) plus a connect timeout (1 s) per failover.
HANG_LIMIT_S = 10.0
FAULTS = {fault.name.split(".")[0]: fault for fault in all_faults()}


@pytest.fixture
def drill_app(servers_restored, cluster_env):
    app = create_app(Settings.from_env(app_env(
        servers_restored, cluster_env, MAX_REPLICA_LAG_SECONDS=str(LAG_LIMIT_S), LAG_CHECK_SECONDS=str(LAG_CHECK_S))))
    yield app
    app.extensions["library.router"].close()


@pytest.mark.parametrize("key", list(FAULTS))
def test_short_drill(drill_app, servers_restored, key):
    fault = FAULTS[key]
    load = LoadGenerator(lambda: FlaskClient(drill_app), SMALL_SEED_READERS, readers=6, writers=2,
                         hang_limit=HANG_LIMIT_S, max_seconds=120, pause=0.01, write_pause=0.05).start()
    try:
        timing = run_fault(fault, servers_restored, load, HealthWatch(FlaskClient(drill_app), servers_restored),
                           hold=1.5, detect_timeout=15, recover_target=SHORT_OFFLINE_S + LAG_CHECK_S,
                           recover_timeout=30)
    finally:
        stats = load.stop()
    writes = check_writes(servers_restored, load)

    assert stats.failed_reads() == 0, stats.failure_samples
    assert stats.failed_writes() == 0, stats.failure_samples
    assert not stats.over_limit, stats.slowest
    assert stats.answers[("read", 200)] > 0 and writes["acknowledged"] > 0
    assert (writes["lost"], writes["missing_on_replica"], writes["refused_but_applied"]) == (0, 0, 0), writes
    assert timing.detect_s is not None, "the app never showed the fault in its health"
    assert timing.recover_s is not None, "the app did not become fully healthy again"
    if fault.target in ("master", "both"):
        assert writes["refused"] > 0, "writes while the master was down must be refused with 503"
