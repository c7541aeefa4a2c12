"""wrk, the external load generator: installed from Debian packages if missing, run, output parsed."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}

# Each wrk thread draws reader ids from its own seeded generator.
READER_SCRIPT = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads * 7919)
end
function init(args)
  math.randomseed(seed)
end
function request()
  return wrk.format("GET", "/api/v1/library/reader/" .. math.random(1, %(max_id)d) .. "/")
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests_per_s: float
    p99_ms: float
    requests: int
    failed: int  # non-2xx/3xx answers plus socket errors other than the server closing the connection


def ensure_wrk() -> str:
    """Path of wrk, installing Debian's package with apt-get when it is missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise RuntimeError("wrk not found: install it with `sudo apt-get install wrk`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, check=True, capture_output=True)
    return shutil.which("wrk") or "wrk"


def run_wrk(url: str, *, seconds: float, connections: int, threads: int = 2, script: str | None = None) -> WrkResult:
    """Load `url` for a fixed time with a fixed number of connections."""
    with tempfile.TemporaryDirectory() as tmp:
        args = [ensure_wrk(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
        if script is not None:
            path = Path(tmp) / "script.lua"
            path.write_text(script)
            args += ["-s", str(path)]
        output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> WrkResult:
    """Requests/s, 99th percentile latency and failures from wrk's --latency report."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    total = re.search(r"^\s+(\d+) requests in ", output, re.M)
    if not (rps and p99 and total):
        raise ValueError(f"not a wrk --latency report:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read \d+, write (\d+), timeout (\d+)", output)
    failed = int(non_2xx.group(1)) if non_2xx else 0
    if errors:
        # "read" errors are the server closing a connection after answering (sync workers do).
        failed += sum(int(n) for n in errors.groups())
    return WrkResult(requests_per_s=float(rps.group(1)), p99_ms=float(p99.group(1)) * _UNITS_MS[p99.group(2)],
                     requests=int(total.group(1)), failed=failed)
