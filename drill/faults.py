"""The faults a drill injects into the native cluster, each with its undo.

A fault is a list of steps: each step sets the load's phase label, acts on the servers, then holds.
The phase is set before the action that makes it true and after the action that ends it, so a
request labelled "at least one server up" really was sent while a server was up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pymysql

from drill.load import ALL_DOWN
from native.cluster import Cluster


@dataclass
class Step:
    phase: str
    action: Callable[[Cluster], None]
    hold: bool = True  # hold the fault for the drill's hold time after this step


@dataclass
class Fault:
    name: str
    target: str  # which server the app should flag: "replica", "master" or "both"
    detect: str  # what the app's health shows once it noticed: "offline", "read-only", "lagging", "unavailable"
    inject: list[Step]
    restore: list[Step]


def restart_replica(cluster: Cluster) -> None:
    """Start the replica and its replication (skip_slave_start keeps it idle otherwise)."""
    cluster.slave.start()
    cluster.slave.root_query("START SLAVE")


class ApplierLock:
    """Pauses replication by holding a global read lock on the replica: the applier waits, so the
    replica falls behind while it still answers reads (Seconds_Behind_Master keeps growing too)."""

    def __init__(self) -> None:
        self._conn: pymysql.Connection | None = None

    def hold(self, cluster: Cluster) -> None:
        self._conn = pymysql.connect(unix_socket=str(cluster.slave.socket), user="root", connect_timeout=2)
        self._conn.cursor().execute("FLUSH TABLES WITH READ LOCK")

    def release(self, _cluster: Cluster) -> None:
        if self._conn is not None:
            self._conn.cursor().execute("UNLOCK TABLES")
            self._conn.close()
            self._conn = None


def all_faults() -> list[Fault]:
    """Faults 1-6 of the drill, in the order they run in sequence."""
    lock = ApplierLock()
    return [
        Fault("1. replica killed (SIGKILL), restarted", "replica", "offline",
              [Step("replica down", lambda c: c.slave.kill())], [Step("recovering", restart_replica, False)]),
        Fault("2. replica stopped gracefully, restarted", "replica", "offline",
              [Step("replica down", lambda c: c.slave.stop())], [Step("recovering", restart_replica, False)]),
        Fault("3. master killed (SIGKILL), restarted", "master", "read-only",
              [Step("master down", lambda c: c.master.kill())],
              [Step("recovering", lambda c: c.master.start(), False)]),
        Fault("4. both down, then the replica back, then the master", "both", "unavailable",
              [Step("master down", lambda c: c.master.kill(), False), Step(ALL_DOWN, lambda c: c.slave.kill())],
              [Step("replica back, master down", restart_replica),
               Step("recovering", lambda c: c.master.start(), False)]),
        Fault("5. replica lagging (applier paused by a read lock)", "replica", "lagging",
              [Step("replica lagging", lock.hold)], [Step("recovering", lock.release, False)]),
        Fault("6a. replica frozen (SIGSTOP), resumed", "replica", "offline",
              [Step("replica frozen", lambda c: c.slave.pause())],
              [Step("recovering", lambda c: c.slave.resume(), False)]),
        Fault("6b. master frozen (SIGSTOP), resumed", "master", "read-only",
              [Step("master frozen", lambda c: c.master.pause())],
              [Step("recovering", lambda c: c.master.resume(), False)]),
    ]
