"""Replica lag measured with GTIDs, so the reader account needs no replication-monitor privilege.

Every check records the master's @@gtid_binlog_pos with the time it was seen; a reader's lag is the
age of the oldest recorded position it has not reached yet (0 once it has them all). This sees every
kind of stall (replication stopped, SQL thread stuck, slow apply), unlike Seconds_Behind_Master,
which is NULL exactly when replication is stopped.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import deque
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from library.database.endpoints import Endpoint

Position = dict[int, int]  # GTID domain id -> highest sequence number


def parse_gtid_position(text: str | None) -> Position:
    """'0-1-42,1-2-7' -> {0: 42, 1: 7}."""
    position: Position = {}
    for gtid in filter(None, (part.strip() for part in (text or "").split(","))):
        domain, _server, seq = gtid.split("-")
        position[int(domain)] = int(seq)
    return position


def has_reached(current: Position, target: Position) -> bool:
    return all(current.get(domain, -1) >= seq for domain, seq in target.items())


class LagTracker:
    """Master positions in the order they were seen, and how far behind a reader is."""

    def __init__(self, history: int = 3600):
        self._seen: deque[tuple[float, Position]] = deque(maxlen=history)

    def observe_master(self, position: Position, now: float) -> None:
        if not self._seen or self._seen[-1][1] != position:
            self._seen.append((now, position))

    def lag(self, reader_position: Position, now: float) -> float:
        for seen_at, position in self._seen:
            if not has_reached(reader_position, position):
                return now - seen_at
        return 0.0

    def forget_reached(self, positions: list[Position]) -> None:
        """Drop positions every reader has reached, keeping the newest one."""
        while len(self._seen) > 1 and all(has_reached(p, self._seen[0][1]) for p in positions):
            self._seen.popleft()


class LagMonitor:
    """A daemon thread that flags reader endpoints lagging more than `max_lag` seconds.

    Started on the first read (CLI commands never start it); it stops by itself once the router
    that owns it is gone, or on `stop()`.
    """

    def __init__(self, writer: Endpoint, readers: list[Endpoint], max_lag: float, interval: float,
                 clock: Callable[[], float] = time.monotonic):
        self.writer, self.readers = writer, readers
        self.max_lag, self.interval, self.clock = max_lag, interval, clock
        self.tracker = LagTracker()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def ensure_started(self) -> None:
        if self._thread is not None or self.max_lag <= 0:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=_run, args=(weakref.ref(self), self._stop),
                                                name="replica-lag-monitor", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def check(self) -> None:
        """One round: reader positions first, then the master's, so a reader is never ahead."""
        positions = {r.name: _position(r, "@@global.gtid_current_pos") for r in self.readers if r.is_online()}
        master = _position(self.writer, "@@global.gtid_binlog_pos") if self.writer.is_online() else None
        now = self.clock()
        if master is not None:
            self.tracker.observe_master(master, now)
        for reader in self.readers:
            position = positions.get(reader.name)
            # Without the master's position nobody knows what a reader misses: unknown, not 0.
            known = position is not None and master is not None
            reader.set_lag(self.tracker.lag(position, now) if known else None, self.max_lag)
        known = [p for p in positions.values() if p is not None]
        if len(known) == len(self.readers):
            self.tracker.forget_reached(known)


def _position(endpoint: Endpoint, variable: str) -> Position | None:
    try:
        with endpoint.engine.connect() as conn:
            return parse_gtid_position(conn.exec_driver_sql(f"SELECT {variable}").scalar())
    except (SQLAlchemyError, ValueError):
        return None  # unreachable now: the router flags it when a request needs it


def _run(monitor_ref: weakref.ref[LagMonitor], stop: threading.Event) -> None:
    while not stop.is_set():
        monitor = monitor_ref()
        if monitor is None:
            return
        monitor.check()
        interval = monitor.interval
        del monitor  # hold no reference while waiting, so the router can be collected
        stop.wait(interval)
