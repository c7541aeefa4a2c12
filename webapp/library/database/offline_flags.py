"""Offline flags in memory shared by every gunicorn worker forked from the process that built the app.

Each worker has its own pools, but "the master is down" is a fact about the server: once one worker
has paid a timeout to learn it, the others must refuse writes at once too instead of each paying
the same timeout. Works because gunicorn runs with preload_app (the app is built before forking).
"""

from __future__ import annotations

import mmap
import struct
import time
from collections.abc import Callable

_SLOT = struct.Struct("d")  # a time.monotonic() value (system-wide clock, same in every process)


class OfflineFlags:
    """`slots` offline-until times in anonymous MAP_SHARED memory, 0.0 meaning online."""

    def __init__(self, slots: int):
        self._memory = mmap.mmap(-1, _SLOT.size * slots)  # anonymous maps are MAP_SHARED by default

    def get(self, slot: int) -> float:
        return _SLOT.unpack_from(self._memory, slot * _SLOT.size)[0]

    def set(self, slot: int, value: float) -> None:
        _SLOT.pack_into(self._memory, slot * _SLOT.size, value)


class ProbeLease:
    """Who may check flagged endpoints while every endpoint is flagged: one request at a time, in any
    worker. Best effort (two workers may take it at the same instant); a holder that dies mid-check
    loses it after `hold` seconds."""

    def __init__(self, flags: OfflineFlags, slot: int, clock: Callable[[], float] = time.monotonic):
        self._flags, self._slot, self._clock = flags, slot, clock

    def acquire(self, hold: float) -> bool:
        now = self._clock()
        if self._flags.get(self._slot) > now:
            return False
        self._flags.set(self._slot, now + hold)
        return True

    def release(self) -> None:
        self._flags.set(self._slot, 0.0)

    def is_held(self) -> bool:
        return self._flags.get(self._slot) > self._clock()
