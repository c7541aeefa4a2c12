"""`python -m bench` (`make bench`): every figure of issue 5 in one run, as a table and bench/results.json.

Each figure is a ratio against a reference measured in the same run, so a busy machine moves both.
Settings come from the environment (see the README's Performance section).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import export, proxy, report
from bench.stacks import BenchStack, make_down, make_up_seconds
from bench.wrk import READER_SCRIPT, WrkResult, ensure_wrk, run_wrk
from native import REPO_ROOT
from native.cluster import Cluster, ClusterSettings
from native.env_file import create_env_file, environment

RESULTS_FILE = REPO_ROOT / "bench" / "results.json"
DEFAULT_READERS = 50_000  # what `flask seed` and `make up` create


@dataclass(frozen=True)
class BenchSettings:
    state_dir: Path
    port_base: int
    seconds: float
    warmup_seconds: float
    connections: int
    rounds: int
    large_readers: int
    keep: bool

    @classmethod
    def from_env(cls, env: dict[str, str]) -> BenchSettings:
        return cls(
            state_dir=Path(env.get("BENCH_STATE_DIR", str(REPO_ROOT / ".state" / "bench"))).resolve(),
            # Below Linux's ephemeral range (32768+), where wrk's own client sockets could take a port.
            port_base=int(env.get("BENCH_PORT_BASE", "24400")),
            seconds=float(env.get("BENCH_SECONDS", "4")),
            warmup_seconds=float(env.get("BENCH_WARMUP_SECONDS", "2")),
            connections=int(env.get("BENCH_CONNECTIONS", "16")),
            rounds=int(env.get("BENCH_ROUNDS", "5")),
            large_readers=int(env.get("BENCH_LARGE_READERS", "330000")),
            keep=env.get("BENCH_KEEP", "") == "1",
        )

    def ports(self, offset: int) -> tuple[int, int, int, int, int]:
        """Master, replica, app, ProxySQL and ProxySQL admin ports of one stack."""
        base = self.port_base + offset
        return base + 1, base + 2, base + 3, base + 4, base + 5


def stack(settings: BenchSettings, env: dict[str, str], name: str, offset: int) -> BenchStack:
    return BenchStack(settings.state_dir / name, *settings.ports(offset)[:3], env=env)


def side_by_side(settings: BenchSettings, loads: dict[str, Callable[[float], WrkResult]]) -> dict[str, list[WrkResult]]:
    """Warm every load up, then run them in turn, round after round: neighbours see the same machine."""
    for load in loads.values():
        load(settings.warmup_seconds)
    runs: dict[str, list[WrkResult]] = {name: [] for name in loads}
    for _ in range(settings.rounds):
        for name, load in loads.items():
            result = load(settings.seconds)
            if result.failed:
                raise RuntimeError(f"{name}: {result.failed} of {result.requests} requests failed")
            runs[name].append(result)
    return runs


def paired_ratio(numerators: list[WrkResult], denominators: list[WrkResult]) -> float:
    """The median over rounds of one load's requests/s over the other's in the same round."""
    return statistics.median(n.requests_per_s / d.requests_per_s for n, d in zip(numerators, denominators, strict=True))


def median_rps(results: list[WrkResult]) -> float:
    return statistics.median(r.requests_per_s for r in results)


def reader_load(settings: BenchSettings, base_url: str, max_id: int) -> Callable[[float], WrkResult]:
    script = READER_SCRIPT % {"max_id": max_id}
    return lambda seconds: run_wrk(base_url, seconds=seconds, connections=settings.connections, script=script)


def mean_reader_size(base_url: str, max_id: int, samples: int = 200) -> int:
    sizes = []
    for i in range(samples):
        with urllib.request.urlopen(f"{base_url}/api/v1/library/reader/{1 + i * max_id // samples}/") as response:
            sizes.append(len(response.read()))
    return round(statistics.mean(sizes))


def reader_figures(settings: BenchSettings, main: BenchStack) -> dict[str, object]:
    max_id = main.reader_count()
    size = mean_reader_size(main.app.url, max_id)
    ceiling_url = f"{main.app.url}/api/v1/bench/ceiling/{size}/"
    results = side_by_side(settings, {
        "reader": reader_load(settings, main.app.url, max_id),
        "ceiling": lambda s: run_wrk(ceiling_url, seconds=s, connections=settings.connections),
    })
    reader, ceiling = results["reader"], results["ceiling"]
    return {"reader_rps": round(median_rps(reader), 1), "ceiling_rps": round(median_rps(ceiling), 1),
            "reader_vs_ceiling": round(paired_ratio(reader, ceiling), 3),
            "reader_p99_ms": round(statistics.median(r.p99_ms for r in reader), 2), "reader_body_bytes": size}


def proxysql_figures(settings: BenchSettings, main: BenchStack, env: dict[str, str]) -> dict[str, object]:
    """Reader requests/s through ProxySQL vs straight to the servers; null without a binary."""
    *_, mysql_port, admin_port = settings.ports(0)  # the main stack's ProxySQL ports
    through = proxy.start_app_behind_proxysql(main, env, mysql_port, admin_port, app_port=settings.port_base + 6)
    if through is None:
        return {"proxysql_vs_direct": None}
    try:
        max_id = main.reader_count()
        results = side_by_side(settings, {
            "direct": reader_load(settings, main.app.url, max_id),
            "proxysql": reader_load(settings, through.url, max_id),
        })
    finally:
        proxy.stop(through)
    direct, proxied = results["direct"], results["proxysql"]
    return {"proxysql_rps": round(median_rps(proxied), 1), "direct_rps": round(median_rps(direct), 1),
            "proxysql_vs_direct": round(paired_ratio(proxied, direct), 3)}


def export_figures(settings: BenchSettings, main: BenchStack, env: dict[str, str]) -> dict[str, object]:
    url = f"{main.app.url}/api/v1/library/export/"
    account = (main.slave_port, env.get("DB_READER_USER", "library_reader"), env["DB_READER_PASSWORD"],
               env.get("DB_NAME", "library"))
    export.download_seconds(url)  # warm-up: pools, buffer pool, page cache
    export.client_seconds(*account)
    served, client = [], []
    for _ in range(max(3, settings.rounds)):
        served.append(export.download_seconds(url))
        client.append(export.client_seconds(*account))
    _, rss_small = export.with_peak_rss(main.worker_pids(), lambda: export.download_seconds(url))
    export_s, client_s = statistics.median(served), statistics.median(client)
    rows = main.cluster.master.root_query(export.ROW_COUNT_QUERY)[0]["n"]
    return {"export_rows": rows, "export_s": round(export_s, 3), "client_s": round(client_s, 3),
            "export_vs_client": round(statistics.median(c / s for c, s in zip(client, served, strict=True)), 3),
            "export_rss_mb_small": round(rss_small, 1)}


def large_export_figures(settings: BenchSettings, env: dict[str, str]) -> dict[str, object]:
    large = stack(settings, env, "large", 10)
    large.up(settings.large_readers)
    try:
        url = f"{large.app.url}/api/v1/library/export/"
        seconds, rss = export.with_peak_rss(large.worker_pids(), lambda: export.download_seconds(url))
        rows = large.cluster.master.root_query(export.ROW_COUNT_QUERY)[0]["n"]
    finally:
        if not settings.keep:
            large.down()
    return {"export_rows_large": rows, "export_s_large": round(seconds, 3), "export_rss_mb_large": round(rss, 1)}


def up_and_seed_figures(settings: BenchSettings, env: dict[str, str]) -> dict[str, object]:
    """`make up` from nothing (its own empty state dir), then `flask seed` into emptied tables."""
    state_dir, ports = settings.state_dir / "up", settings.ports(20)
    try:
        up_s = make_up_seconds(env, state_dir, ports)
        cluster = Cluster(ClusterSettings(state_dir, ports[0], ports[1], env))
        cluster.master.root_execute(("SET SESSION foreign_key_checks = 0", ()), ("TRUNCATE library.book", ()),
                                    ("TRUNCATE library.reader", ()))
        seed_env = {**env, "PYTHONPATH": str(REPO_ROOT / "webapp"), "DB_WRITER": f"127.0.0.1:{ports[0]}",
                    "DB_READERS": f"127.0.0.1:{ports[0]}"}
        started = time.monotonic()
        subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "seed"],
                       cwd=REPO_ROOT / "webapp", env=seed_env, check=True, stdout=subprocess.DEVNULL)
        seed_s = time.monotonic() - started
    finally:
        make_down(env, state_dir, ports)
        shutil.rmtree(state_dir, ignore_errors=True)
    return {"up_s": round(up_s, 2), "seed_s": round(seed_s, 2), "up_through_proxysql": proxy.available(env)}


def main() -> int:
    create_env_file()
    env = environment()
    settings = BenchSettings.from_env(env)
    ensure_wrk()
    started = time.monotonic()
    results: dict[str, object] = {"load_average_at_start": os.getloadavg()[0]}
    main_stack = stack(settings, env, "main", 0)
    print("starting the bench stack ...", flush=True)
    main_stack.up(DEFAULT_READERS)
    try:
        print("reader route vs ceiling ...", flush=True)
        results |= reader_figures(settings, main_stack)
        print("ProxySQL vs direct ...", flush=True)
        results |= proxysql_figures(settings, main_stack, env)
        print("export vs mariadb client ...", flush=True)
        results |= export_figures(settings, main_stack, env)
    finally:
        if not settings.keep:
            main_stack.down()
    print(f"export at {settings.large_readers:,} readers ...", flush=True)
    results |= large_export_figures(settings, env)
    print("make up and flask seed from nothing ...", flush=True)
    results |= up_and_seed_figures(settings, env)
    results |= {"load_average_at_end": os.getloadavg()[0], "bench_s": round(time.monotonic() - started, 1),
                "connections": settings.connections, "seconds_per_run": settings.seconds,
                "gunicorn_workers": int(env.get("GUNICORN_WORKERS", "4")),
                "gunicorn_threads": int(env.get("GUNICORN_THREADS", "8"))}
    report.write(results, RESULTS_FILE)
    print()
    print(report.table(results))
    print(f"\nwritten to {RESULTS_FILE.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
