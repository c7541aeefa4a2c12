"""Offline flags in memory shared by every gunicorn worker forked from the process that built the app.

Each worker has its own pools, but "the master is down" is a fact about the server: once one worker
has paid a timeout to learn it, the others must refuse writes at once too instead of each paying
the same timeout, and say why (health and 503 messages) whichever worker answers. Works because
gunicorn runs with preload_app (the app is built before forking).
"""

from __future__ import annotations

import mmap
import struct
import time
from collections.abc import Callable

_SLOT = struct.Struct("d")  # a time.monotonic() value (system-wide clock, same in every process)
_TEXT_BYTES = 256  # an error text, UTF-8, NUL-padded


class OfflineFlags:
    """`slots` offline-until times (0.0 meaning online), each with the error that set it, in
    anonymous MAP_SHARED memory. A text read while another worker writes it may be torn: it is
    only shown to people (health, 503 messages), never decided on."""

    def __init__(self, slots: int):
        self._texts_at = _SLOT.size * slots
        self._memory = mmap.mmap(-1, (_SLOT.size + _TEXT_BYTES) * slots)  # anonymous: MAP_SHARED

    def get(self, slot: int) -> float:
        return _SLOT.unpack_from(self._memory, slot * _SLOT.size)[0]

    def set(self, slot: int, value: float) -> None:
        _SLOT.pack_into(self._memory, slot * _SLOT.size, value)

    def get_text(self, slot: int) -> str | None:
        start = self._texts_at + slot * _TEXT_BYTES
        raw = self._memory[start:start + _TEXT_BYTES].split(b"\0", 1)[0]
        return raw.decode("utf-8", "ignore") or None  # "ignore": a character cut at the slot's end

    def set_text(self, slot: int, text: str | None) -> None:
        start = self._texts_at + slot * _TEXT_BYTES
        self._memory[start:start + _TEXT_BYTES] = (text or "").encode()[:_TEXT_BYTES - 1].ljust(_TEXT_BYTES, b"\0")


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
