"""Offline flags in memory shared by every gunicorn worker forked from the process that built the app.

Each worker has its own pools, but "the master is down" is a fact about the server: once one worker
has paid a timeout to learn it, the others must refuse writes at once too instead of each paying
the same timeout. Works because gunicorn runs with preload_app (the app is built before forking).
"""

from __future__ import annotations

import mmap
import struct

_SLOT = struct.Struct("d")  # a time.monotonic() value (system-wide clock, same in every process)


class OfflineFlags:
    """`slots` offline-until times in anonymous MAP_SHARED memory, 0.0 meaning online."""

    def __init__(self, slots: int):
        self._memory = mmap.mmap(-1, _SLOT.size * slots)  # anonymous maps are MAP_SHARED by default

    def get(self, slot: int) -> float:
        return _SLOT.unpack_from(self._memory, slot * _SLOT.size)[0]

    def set(self, slot: int, value: float) -> None:
        _SLOT.pack_into(self._memory, slot * _SLOT.size, value)
