"""A database endpoint: one engine (its own pool) plus the offline flag the router keeps on it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import URL, Engine, create_engine

from library.config import DatabaseAccount, Settings
from library.database.offline_flags import OfflineFlags

log = logging.getLogger(__name__)


@dataclass
class Endpoint:
    """An address the app reads or writes through, flagged offline after a connection failure."""

    name: str
    role: str  # "writer" or "reader"
    engine: Engine
    offline_seconds: float
    flags: OfflineFlags = field(default_factory=lambda: OfflineFlags(1), repr=False)
    slot: int = 0  # this endpoint's place in `flags`, shared with the other worker processes
    lag_seconds: float | None = None  # set by the lag monitor; None until first measured
    lagging: bool = False  # behind by more than the limit: read from only when nothing else answers
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    @property
    def address(self) -> tuple[str | None, int | None]:
        return self.engine.url.host, self.engine.url.port

    @property
    def offline_until(self) -> float:
        """time.monotonic() value until which the endpoint is skipped; 0 means online."""
        return self.flags.get(self.slot)

    @offline_until.setter
    def offline_until(self, value: float) -> None:
        self.flags.set(self.slot, value)

    @property
    def last_error(self) -> str | None:
        """Why the endpoint was last flagged offline, whichever worker saw it; None once back online."""
        return self.flags.get_text(self.slot)

    def is_online(self) -> bool:
        return self.clock() >= self.offline_until

    def mark_offline(self, error: BaseException) -> None:
        """Flag the endpoint for its window; the log says so when it was online (a failover)."""
        was_online = self.is_online()
        self.flags.set_text(self.slot, _short(error))
        self.offline_until = self.clock() + self.offline_seconds
        if was_online:
            log.warning("%s flagged offline for %gs: %s", self.name, self.offline_seconds, self.last_error)

    def mark_online(self) -> None:
        if self.offline_until:  # most reads find nothing to clear: no writes to shared memory then
            self.offline_until = 0.0
            self.flags.set_text(self.slot, None)
            log.warning("%s answers again: back online", self.name)

    def set_lag(self, seconds: float | None, limit: float) -> None:
        """The measured lag, or None when it cannot be measured (the endpoint did not answer)."""
        self.lag_seconds = seconds
        self.lagging = seconds is not None and seconds > limit

    def describe(self) -> dict[str, object]:
        online = self.is_online()
        described: dict[str, object] = {"name": self.name, "role": self.role, "online": online}
        if not online:
            remaining = self.offline_until - self.clock()
            described["offline_for_s"] = round(remaining, 1)
            described["offline_until"] = time.strftime(
                "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + remaining))
        if self.role == "reader":
            known = online and self.lag_seconds is not None  # an offline replica's lag is unknown
            described["lag_s"] = round(self.lag_seconds, 1) if known else None
            described["lagging"] = self.lagging
        if (last_error := self.last_error) is not None:
            described["last_error"] = last_error
        return described


def make_engine(settings: Settings, account: DatabaseAccount, address: tuple[str, int],
                *, autocommit: bool, read_timeout: float | None = None) -> Engine:
    """An engine with client-side timeouts on every socket operation and no pre-ping.

    Timeouts are the app's own because a proxy in front may hold a query for much longer.
    Stale pooled connections are handled by the router's retry instead of a per-checkout ping.
    """
    url = URL.create("mysql+pymysql", username=account.user, password=account.password,
                     host=address[0], port=address[1], database=settings.database,
                     query={"charset": "utf8mb4"})
    options: dict[str, object] = {}
    if autocommit:
        # Read-only work needs no transaction, and then no ROLLBACK round trip on check-in; without
        # skip_autocommit_rollback SQLAlchemy still sends one when each Connection closes (a second
        # round trip per reader lookup, 13% of a worker's time in the profile).
        options = {"isolation_level": "AUTOCOMMIT", "pool_reset_on_return": None,
                   "skip_autocommit_rollback": True}
    return create_engine(
        url,
        pool_size=settings.pool_size,
        max_overflow=settings.pool_size,
        pool_recycle=3600,
        pool_timeout=settings.connect_timeout,
        connect_args={"connect_timeout": settings.connect_timeout,
                      "read_timeout": read_timeout or settings.read_timeout,
                      "write_timeout": settings.write_timeout},
        **options,
    )


def _short(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    return f"{type(orig).__name__}: {orig}"[:200]
