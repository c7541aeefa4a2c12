"""Routes reads to a random online reader endpoint and writes to the writer, with failover.

A reader endpoint that fails with a connection-class error is flagged offline for its window and
the read moves on: other online readers, then the writer, then readers lagging past the limit,
then (only when everything is flagged) the flagged endpoints themselves, readers first, so reads
return as soon as any server is back. That last check is made by one request at a time (the probe
lease, shared by the workers); meanwhile the others wait for what it finds, within their own time
budget (behind ProxySQL a server just back answers only once ProxySQL tries it again, seconds
later), instead of each waiting out a frozen server's timeouts.
All the tries of one read, or of one write, share one time budget (time_budget.py).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from library.database.endpoints import Endpoint
from library.database.errors import (
    is_connection_error,
    is_read_only_error,
    is_server_unreachable,
    is_stale_connection_error,
    is_timeout,
)
from library.database.lag import LagMonitor
from library.database.offline_flags import OfflineFlags, ProbeLease
from library.database.raw_cursor import run_on_cursor
from library.database.streaming import StreamPart, resumable_stream
from library.database.time_budget import TimeBudgetSpent, reads_within, seconds_left

T = TypeVar("T")
P = TypeVar("P")
_UNSERVED = object()  # no endpoint could serve a read
PROBE_TRY_RESERVE_SECONDS = 0.5  # of a read waiting for another request's check: kept for its own try


class DatabaseUnavailable(RuntimeError):
    """No endpoint could serve the read."""


class ReadOnlyMode(RuntimeError):
    """The writer is unreachable (or read-only): writes are refused, reads still work."""


class WriteOutcomeUnknown(RuntimeError):
    """The connection died while committing: the write may or may not have been applied."""


class DatabaseRouter:
    def __init__(self, writer: Endpoint, readers: list[Endpoint], rng: random.Random | None = None,
                 lag_monitor: LagMonitor | None = None, writer_probe: Engine | None = None,
                 probe: ProbeLease | None = None, probe_hold: float = 60.0, *, read_timeout: float,
                 budget: float):
        self.writer = writer
        self._read_timeout = read_timeout  # what one try may wait for an answer
        self._budget = budget  # what all the tries of one read or write may take together
        self.probe = probe or ProbeLease(OfflineFlags(1), 0)
        self._probe_hold = probe_hold
        self._writer_probe = writer_probe or writer.engine
        self.readers = readers
        self._rng = rng or random.Random()
        self.lag_monitor = lag_monitor
        # Several reader addresses: each is a database server. One address for every role: a proxy
        # (ProxySQL), whose timeout on one connection says nothing about its other backends.
        self._address_is_server = len({e.address for e in readers}) > 1

    @property
    def endpoints(self) -> list[Endpoint]:
        return [*self.readers, self.writer]

    def read_order(self) -> list[Endpoint]:
        """Online readers in random order, the writer, lagging readers, flagged ones as a last resort."""
        if self.lag_monitor is not None:
            self.lag_monitor.ensure_started()
        online = [e for e in self.readers if e.is_online() and not e.lagging]
        self._rng.shuffle(online)
        order = [*online, self.writer]
        return order + sorted((e for e in self.readers if e not in order), key=lambda e: not e.is_online())

    def close(self) -> None:
        """Stop the lag monitor and close every pooled connection."""
        if self.lag_monitor is not None:
            self.lag_monitor.stop()
        for endpoint in self.endpoints:
            endpoint.engine.dispose()
        self._writer_probe.dispose()

    def read(self, work: Callable[[Connection], T]) -> T:
        """Run read-only `work` on the first endpoint that can serve it."""
        return self._failover(
            lambda endpoint, deadline: _retry_if_stale(endpoint, lambda: _run(endpoint, work, deadline)))

    def read_cursor(self, work: Callable[[Any], T]) -> T:
        """read() on a bare DB-API cursor: the hot path, without SQLAlchemy's per-call objects."""
        return self._failover(
            lambda endpoint, deadline: _retry_if_stale(endpoint, lambda: run_on_cursor(endpoint, work, deadline)))

    def open_stream(self, start: Callable[[Connection, P | None], Iterator[tuple[P, T]]]) -> Iterator[T]:
        """A streamed read with failover, also mid-stream (see streaming.resumable_stream).

        `start(conn, after)` yields (position, item) pairs following position `after` (None: from the
        beginning). A read no endpoint can serve raises here, before a response has begun.
        """
        def begin(after: P | None) -> StreamPart:
            return self._failover(lambda endpoint, deadline: _retry_if_stale(
                endpoint, lambda: StreamPart.begin(endpoint, start, after, deadline)))

        return resumable_stream(begin, self._mark_offline)

    def _failover(self, attempt: Callable[[Endpoint, float], T]) -> T:
        deadline = time.monotonic() + self._budget
        errors: list[str] = []
        unreachable: set[tuple[str | None, int | None]] = set()  # servers this request waited out

        def first_that_serves(endpoints: list[Endpoint], retry_timeouts: bool) -> Any:
            """The first answer, or _UNSERVED when every one of `endpoints` failed (each is flagged)."""
            for endpoint in endpoints:
                if endpoint.address in unreachable:
                    continue
                try:
                    return self._attempt_read(endpoint, attempt, retry_timeouts, deadline)
                except DBAPIError as exc:
                    if not is_connection_error(exc):
                        raise
                    self._mark_offline(endpoint, exc)
                    errors.append(f"{endpoint.name}: {endpoint.last_error}")
                    if self._address_is_server and is_server_unreachable(exc):
                        unreachable.add(endpoint.address)
            return _UNSERVED

        try:
            return self._first_answer(first_that_serves, errors, deadline)
        except TimeBudgetSpent as exc:
            errors.append(f"no answer within the read's {self._budget:g}s ({exc})")
            raise _unavailable(errors) from exc

    def _first_answer(self, first_that_serves: Callable[[list[Endpoint], bool], Any], errors: list[str],
                      deadline: float) -> Any:
        """Online endpoints first; then, when every one is flagged, the flagged ones (see the module doc)."""
        order = self.read_order()
        online = [e for e in order if e.is_online()]
        if (result := first_that_serves(online, True)) is not _UNSERVED:
            return result
        # Everything is flagged now: the flagged endpoints are checked, by one request at a time.
        if not self.probe.acquire(self._probe_hold):
            if self._await_probe(deadline) and (result := first_that_serves(
                    [e for e in self.read_order() if e.is_online()], False)) is not _UNSERVED:
                return result
            errors.append("every endpoint is flagged offline and another request is checking them")
        else:
            try:
                flagged = [e for e in (*self.readers, self.writer) if e not in online]  # readers first
                result = first_that_serves(flagged, False)
            finally:
                self.probe.release()
            if result is not _UNSERVED:
                return result
        raise _unavailable(errors)

    def _await_probe(self, deadline: float) -> bool:
        """Wait while another request checks the flagged endpoints; True once one is online again."""
        until = deadline - PROBE_TRY_RESERVE_SECONDS
        while not any(e.is_online() for e in self.endpoints):
            if not self.probe.is_held() or time.monotonic() >= until:
                return False
            time.sleep(0.005)
        return True

    def _attempt_read(self, endpoint: Endpoint, attempt: Callable[[Endpoint, float], T], retry_timeout: bool,
                      deadline: float) -> T:
        """One try, and behind a proxy one more after a timeout: the backend the proxy picked was
        frozen, not the proxy, whose health checks take that backend out meanwhile."""
        try:
            return self._try(endpoint, attempt, deadline)
        except DBAPIError as exc:
            if not retry_timeout or self._address_is_server or not (is_connection_error(exc) and is_timeout(exc)):
                raise
            try:
                return self._try(endpoint, attempt, deadline)
            except TimeBudgetSpent:
                raise exc from None  # the first try waited a whole read timeout: the endpoint is flagged

    def _try(self, endpoint: Endpoint, attempt: Callable[[Endpoint, float], T], deadline: float) -> T:
        """One try within the read's budget. A try given less than a whole read timeout that times out
        has spent the budget; it says nothing of the endpoint, which is not flagged for it."""
        cut_short = seconds_left(deadline) < self._read_timeout
        try:
            return attempt(endpoint, deadline)
        except DBAPIError as exc:
            if cut_short and is_timeout(exc):
                raise TimeBudgetSpent(f"{endpoint.name} did not answer in the time left") from exc
            raise

    def write(self, work: Callable[[Connection], T]) -> T:
        """Run `work` in one transaction on the writer; refuse at once while the writer is offline."""
        writer = self.writer
        if not writer.is_online():
            raise ReadOnlyMode(_unreachable(writer))
        deadline = time.monotonic() + self._budget
        for attempt in (1, 2):
            try:
                with writer.engine.connect() as conn, reads_within(conn.connection.dbapi_connection, deadline):
                    transaction = conn.begin()
                    result = work(conn)
                    try:
                        transaction.commit()
                    except DBAPIError as exc:
                        if is_connection_error(exc):
                            self._mark_offline(writer, exc)
                            raise WriteOutcomeUnknown(
                                "the master went away while committing; the write may not be applied"
                            ) from exc
                        raise
                    return result
            except DBAPIError as exc:
                if is_read_only_error(exc):
                    raise ReadOnlyMode("the writer endpoint is read-only") from exc
                if not is_connection_error(exc):
                    raise
                # Nothing was committed, so a pooled socket left by a restart is safely retried.
                if attempt == 1 and is_stale_connection_error(exc):
                    continue
                self._mark_offline(writer, exc)
                raise ReadOnlyMode(_unreachable(writer)) from exc
            except TimeBudgetSpent as exc:  # the first try took it all before its connection died
                self._mark_offline(writer, exc)
                raise ReadOnlyMode(_unreachable(writer)) from exc
        raise AssertionError("unreachable")

    def writer_reachable(self) -> bool:
        """Probe the writer unless it is flagged offline (used by the health endpoint)."""
        if not self.writer.is_online():
            return False
        try:
            _retry_if_stale(self.writer, lambda: _select_one_on(self._writer_probe))
            return True
        except DBAPIError as exc:
            if not is_connection_error(exc):
                raise
            self._mark_offline(self.writer, exc)
            return False

    def _mark_offline(self, endpoint: Endpoint, exc: BaseException) -> None:
        """Flag the endpoint, and when its server did not answer at all, every endpoint on that address:
        the master is both a reader and the writer, and a frozen server must cost one timeout, not two."""
        endpoint.mark_offline(exc)
        if self._address_is_server and is_server_unreachable(exc):
            for other in self.endpoints:
                if other is not endpoint and other.address == endpoint.address:
                    other.mark_offline(exc)


def _unavailable(errors: list[str]) -> DatabaseUnavailable:
    return DatabaseUnavailable("no database endpoint could serve the read (" + "; ".join(errors) + ")")


def _unreachable(writer: Endpoint) -> str:
    # Another worker may have flagged it (shared flags): then this one has no error text of its own.
    return f"the master is unreachable ({writer.last_error or 'flagged by a recent failure'})"


def _select_one_on(engine: Engine) -> object:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT 1").scalar()


def _run(endpoint: Endpoint, work: Callable[[Connection], T], deadline: float) -> T:
    with endpoint.engine.connect() as conn, reads_within(conn.connection.dbapi_connection, deadline):
        return work(conn)


def _retry_if_stale(endpoint: Endpoint, attempt: Callable[[], T]) -> T:
    """Retry once on a fresh connection when the pooled socket was dead (server restarted)."""
    try:
        result = attempt()
    except DBAPIError as exc:
        if not is_stale_connection_error(exc):
            raise
        result = attempt()
    endpoint.mark_online()
    return result
