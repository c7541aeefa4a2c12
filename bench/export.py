"""The CSV export against the `mariadb` client, and the serving process's peak memory meanwhile."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# The rows the export serves, as one query: what the client prints for the reference time.
EXPORT_QUERY = """
SELECT r.id, r.first_name, r.last_name, r.email, r.phone, r.address,
       DATE_FORMAT(r.registered_at, '%Y-%m-%dT%H:%i:%sZ'),
       b.id, b.title, b.author, b.isbn, b.publication_year
FROM reader r LEFT JOIN book b ON b.reader_id = r.id
ORDER BY r.id, b.id
"""
ROW_COUNT_QUERY = "SELECT COUNT(*) AS n FROM library.reader r LEFT JOIN library.book b ON b.reader_id = r.id"


def download_seconds(url: str) -> float:
    """Wall time for curl to fetch the whole export (to /dev/null); fails on any non-200."""
    started = time.monotonic()
    result = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", url],
                            capture_output=True, text=True, check=True)
    elapsed = time.monotonic() - started
    if result.stdout.strip() != "200":
        raise RuntimeError(f"export answered {result.stdout.strip()}")
    return elapsed


def client_seconds(port: int, user: str, password: str, database: str) -> float:
    """Wall time for `mariadb --batch --quick` to print the export's rows (to /dev/null)."""
    args = ["mariadb", "--batch", "--quick", "-h", "127.0.0.1", "-P", str(port), "-u", user, database,
            "-e", EXPORT_QUERY]
    started = time.monotonic()
    subprocess.run(args, env={**os.environ, "MYSQL_PWD": password}, stdout=subprocess.DEVNULL, check=True)
    return time.monotonic() - started


def rss_kb(pid: int) -> int:
    """Current resident set size of a process, 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def with_peak_rss(pids: Iterable[int], work: Callable[[], T], interval: float = 0.002) -> tuple[T, float]:
    """Run `work` while sampling the processes' RSS; returns its result and the highest RSS in MB."""
    pids = list(pids)
    peak = max((rss_kb(pid) for pid in pids), default=0)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, *(rss_kb(pid) for pid in pids))
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = work()
    finally:
        done.set()
        sampler.join()
    return result, peak / 1024
