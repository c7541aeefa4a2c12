"""Run faults under load: watch the app's health to time detection and recovery, then check writes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pymysql

from drill.client import Client
from drill.faults import Fault
from drill.load import LoadGenerator, LoadStats
from native.cluster import Cluster

POLL_S = 0.2
HEALTHY_POLLS = 5  # consecutive fully healthy answers (several gunicorn workers) before "recovered"


@dataclass
class FaultTiming:
    name: str
    detect_s: float | None = None  # fault injected -> the app's health first shows it
    recover_s: float | None = None  # server back -> health fully ok again
    recover_target_s: float = 0.0


@dataclass
class DrillResult:
    title: str
    timings: list[FaultTiming] = field(default_factory=list)
    stats: LoadStats = field(default_factory=LoadStats)
    writes: dict[str, int] = field(default_factory=dict)
    replication: dict[str, object] = field(default_factory=dict)
    seconds: float = 0.0


class HealthWatch:
    """Polls GET /api/v1/health (and ProxySQL's own server states when it is in front) and answers:
    does the stack see this fault? is everything back?"""

    def __init__(self, client: Client, cluster: Cluster, proxysql_admin: dict | None = None):
        self.client, self.cluster, self.proxysql_admin = client, cluster, proxysql_admin

    def sees(self, fault: Fault) -> bool:
        if self.proxysql_admin and fault.target != "both":
            port = self.cluster.slave.port if fault.target == "replica" else self.cluster.master.port
            if any(status != "ONLINE" for p, status in self._proxysql_servers() if p == port):
                return True
        status, body = self._health()
        if fault.detect == "unavailable":
            return status == 503
        if fault.detect == "read-only":
            return body.get("writes") is False
        port = self.cluster.slave.port if fault.target == "replica" else self.cluster.master.port
        ours = [e for e in body.get("endpoints", []) if str(e.get("name", "")).endswith(f":{port}")]
        key, value = ("lagging", True) if fault.detect == "lagging" else ("online", False)
        return any(e.get(key) == value for e in ours)

    def healthy(self) -> bool:
        if self.proxysql_admin and any(status != "ONLINE" for _p, status in self._proxysql_servers()):
            return False
        status, body = self._health()
        return status == 200 and body.get("status") == "ok" and all(
            e.get("online") and not e.get("lagging") for e in body.get("endpoints", []))

    def _proxysql_servers(self) -> list[tuple[int, str]]:
        """(backend port, status) of every server ProxySQL routes to, from its admin interface."""
        try:
            conn = pymysql.connect(**self.proxysql_admin, connect_timeout=2, read_timeout=5)
        except pymysql.MySQLError:
            return [(0, "admin unreachable")]
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT port, status FROM runtime_mysql_servers")
                return [(int(port), str(status)) for port, status in cur.fetchall()]
        finally:
            conn.close()

    def _health(self) -> tuple[int, dict]:
        status, raw = self.client.request("GET", "/api/v1/health")
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, {}


def run_fault(fault: Fault, cluster: Cluster, load: LoadGenerator, watch: HealthWatch, *, hold: float,
              detect_timeout: float, recover_target: float, recover_timeout: float) -> FaultTiming:
    """Inject, hold (until the app noticed, within limits), restore, wait until the app is healthy."""
    timing = FaultTiming(fault.name, recover_target_s=recover_target)
    injected = time.monotonic()
    for step in fault.inject:
        load.phase = step.phase
        step.action(cluster)
        if step.hold:
            _watch_until(lambda: watch.sees(fault), injected, detect_timeout, timing, min_wait=hold)
    for step in fault.restore:
        step.action(cluster)
        load.phase = step.phase
        if step.hold:
            time.sleep(hold)
    restored = time.monotonic()
    healthy_since, streak = None, 0
    while time.monotonic() - restored < recover_timeout:
        if watch.healthy():
            healthy_since = healthy_since or time.monotonic()
            streak += 1
            if streak >= HEALTHY_POLLS:
                timing.recover_s = healthy_since - restored
                break
        else:
            healthy_since, streak = None, 0
        time.sleep(POLL_S)
    load.phase = "steady"
    return timing


def _watch_until(seen: Callable[[], bool], since: float, timeout: float, timing: FaultTiming,
                 min_wait: float) -> None:
    start = time.monotonic()
    while True:
        if timing.detect_s is None and seen():
            timing.detect_s = time.monotonic() - since
        waited = time.monotonic() - start
        if waited >= min_wait and (timing.detect_s is not None or waited >= timeout):
            return
        time.sleep(POLL_S)


def check_writes(cluster: Cluster, load: LoadGenerator, timeout: float = 60) -> dict[str, int]:
    """Each acknowledged write on both servers, each refused one on neither: nothing half-applied."""
    cluster.wait_replica_caught_up(timeout)
    pattern = f"drill.{load.run_tag}.%"
    stored = {role: {row["email"] for row in server.root_query(
        "SELECT email FROM library.reader WHERE email LIKE %s", (pattern,))}
        for role, server in (("master", cluster.master), ("replica", cluster.slave))}
    writes = load.stats.writes
    acknowledged = [w for w in writes if w.status == 201]
    refused = [w for w in writes if w.status == 503 and w.error.startswith("read-only mode")]
    unknown = [w for w in writes if w.status not in (201, 409) and w not in refused]
    return {
        "acknowledged": len(acknowledged),
        "lost": sum(w.email not in stored["master"] for w in acknowledged),
        "missing_on_replica": sum(w.email not in stored["replica"] for w in acknowledged),
        "refused": len(refused),
        "refused_but_applied": sum(w.email in stored["master"] for w in refused),
        "outcome_unknown": len(unknown),
        "outcome_unknown_applied": sum(w.email in stored["master"] for w in unknown),
        "replica_differs": len(stored["master"] ^ stored["replica"]),
    }


def replication_state(cluster: Cluster) -> dict[str, object]:
    status = cluster.replica_status() or {}
    master = cluster.master.root_query("SELECT @@gtid_binlog_pos AS p")[0]["p"]
    replica = cluster.slave.root_query("SELECT @@gtid_slave_pos AS p")[0]["p"]
    return {"io": status.get("Slave_IO_Running"), "sql": status.get("Slave_SQL_Running"),
            "last_io_errno": status.get("Last_IO_Errno"), "last_sql_errno": status.get("Last_SQL_Errno"),
            "lag_s": status.get("Seconds_Behind_Master"), "master_gtid": master, "replica_gtid": replica}
