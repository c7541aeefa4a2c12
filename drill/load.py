"""A steady mixed load: many readers by id, a few writers, one export in flight, all counted.

Every request is labelled with the drill phase current when it was sent, so failures can be judged
against what was down at the time (a read may fail only while every server is down).
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from drill.client import Client

ALL_DOWN = "all servers down"  # the one phase where failed reads are expected


@dataclass
class Write:
    """One attempted write and what the client was told, checked against the database afterwards."""

    email: str
    status: int
    error: str = ""


@dataclass
class LoadStats:
    answers: Counter = field(default_factory=Counter)  # (kind, status) -> count
    failed: Counter = field(default_factory=Counter)  # (kind, phase) -> count of unexpected answers
    slowest: dict[str, float] = field(default_factory=dict)  # kind -> longest request in seconds
    over_limit: Counter = field(default_factory=Counter)  # kind -> requests that took longer than the limit
    writes: list[Write] = field(default_factory=list)
    failure_samples: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.answers.values())

    def failed_reads(self, *, excluding: str = ALL_DOWN) -> int:
        """Lookups and exports that failed (an export cut off mid-way too) while a server was up."""
        return sum(n for (kind, phase), n in self.failed.items() if kind in ("read", "export") and phase != excluding)

    def failed_writes(self) -> int:
        """Write answers other than 201 or the promised 503 (read-only / outcome unknown)."""
        return sum(n for (kind, _phase), n in self.failed.items() if kind == "write")


class LoadGenerator:
    """Threads sending requests until stopped, bounded in time and in count."""

    def __init__(self, client_factory: Callable[[], Client], reader_ids: int, *, readers: int = 8,
                 writers: int = 2, exports: int = 1, hang_limit: float = 10.0, max_seconds: float = 600,
                 max_requests: int = 2_000_000, pause: float = 0.005, write_pause: float = 0.05):
        self.client_factory, self.reader_ids = client_factory, reader_ids
        self.counts = {"read": readers, "write": writers, "export": exports}
        self.hang_limit, self.max_seconds, self.max_requests = hang_limit, max_seconds, max_requests
        self.pauses = {"read": pause, "write": write_pause, "export": 0.2}
        self._phase = "steady"
        self._phases_seen = ["steady"]  # every phase so far, in order: a request spans an index range
        self.stats = LoadStats()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._emails = itertools.count()
        self.run_tag = f"{int(time.time())}{random.randrange(10**6)}"

    @property
    def phase(self) -> str:
        return self._phase

    @phase.setter
    def phase(self, value: str) -> None:
        with self._lock:
            self._phase = value
            self._phases_seen.append(value)

    def _phase_of(self, first: int) -> str:
        """The phase a request is judged by: ALL_DOWN if every server was down at any time during it."""
        with self._lock:
            spanned = self._phases_seen[first:]
        return ALL_DOWN if ALL_DOWN in spanned else spanned[0]

    def start(self) -> LoadGenerator:
        self._deadline = time.monotonic() + self.max_seconds
        for kind, count in self.counts.items():
            for n in range(count):
                thread = threading.Thread(target=self._loop, args=(kind, n), name=f"load-{kind}-{n}", daemon=True)
                thread.start()
                self._threads.append(thread)
        return self

    def stop(self) -> LoadStats:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.hang_limit + 60)
        return self.stats

    def _loop(self, kind: str, n: int) -> None:
        client, rng = self.client_factory(), random.Random(f"{self.run_tag}-{kind}-{n}")
        try:
            while not self._stop.is_set() and time.monotonic() < self._deadline:
                if self.stats.requests >= self.max_requests:
                    return
                self._one(kind, client, rng)
                self._stop.wait(self.pauses[kind])
        finally:
            close = getattr(client, "close", None)
            if close:
                close()

    def _one(self, kind: str, client: Client, rng: random.Random) -> None:
        first_phase = len(self._phases_seen) - 1
        started = time.monotonic()
        write = None
        if kind == "read":
            status, body = client.request("GET", f"/api/v1/library/reader/{rng.randint(1, self.reader_ids)}/")
            ok = status == 200
        elif kind == "export":
            status, body = client.request("GET", "/api/v1/library/export/")
            ok = status == 200 and body.startswith(b"reader_id,") and body.endswith(b"\r\n")
        else:
            write = Write(f"drill.{self.run_tag}.{next(self._emails)}@example.org", 0)
            status, body = client.request("POST", "/api/v1/library/reader/",
                                          {"first_name": "Drill", "last_name": "Load", "email": write.email})
            write.status, write.error = status, _error(body) if status != 201 else ""
            ok = status == 201 or status == 503
        elapsed = time.monotonic() - started
        phase = self._phase_of(first_phase)
        with self._lock:
            self.stats.answers[(kind, status)] += 1
            self.stats.slowest[kind] = max(self.stats.slowest.get(kind, 0.0), elapsed)
            if elapsed > self.hang_limit and kind != "export":
                self.stats.over_limit[kind] += 1
            if write is not None:
                self.stats.writes.append(write)
            if not ok:
                self.stats.failed[(kind, phase)] += 1
                if len(self.stats.failure_samples) < 20:
                    self.stats.failure_samples.append(f"{kind} {status} in '{phase}': {_error(body)[:120]}")


def _error(body: bytes) -> str:
    try:
        return str(json.loads(body).get("error", ""))
    except (ValueError, AttributeError):
        return body[:120].decode(errors="replace")
