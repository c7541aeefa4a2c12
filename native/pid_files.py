"""Pid files of the native processes."""

from __future__ import annotations

import os
from pathlib import Path


def live_pid(pid_file: Path) -> int | None:
    """The pid recorded in `pid_file` if that process still exists, else None."""
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
