"""`python -m drill` (`make drill`): every fault alone, then all in sequence, under load; a report.

Runs against its own native stack (drill/stack.py), once with the app's own balancing and once with
ProxySQL in front when a binary is found (PROXYSQL_BIN, or `proxysql` on PATH).
"""

from __future__ import annotations

import argparse
import sys
import time

from drill.client import HttpClient
from drill.faults import Fault, all_faults
from drill.load import LoadGenerator
from drill.report import render, targets
from drill.scenario import DrillResult, HealthWatch, check_writes, replication_state, run_fault
from drill.stack import DrillStack, drill_env
from native.env_file import environment
from native.proxysql_server import find_proxysql

PROXYSQL_CHECK_S = 2.0  # monitor_connect_interval in proxysql/proxysql.cnf.tmpl


class Drill:
    """One mode (app-side balancing or ProxySQL) of the drill, on a freshly started stack."""

    def __init__(self, stack: DrillStack, proxysql: bool, args: argparse.Namespace):
        self.stack, self.proxysql, self.args = stack, proxysql, args
        env = stack.env
        self.hang_limit = float(env["DB_CONNECT_TIMEOUT"]) + float(env["DB_READ_TIMEOUT"]) + 1
        window = max(float(env["READER_OFFLINE_SECONDS"]), float(env["WRITER_OFFLINE_SECONDS"]))
        interval = float(env["LAG_CHECK_SECONDS"])
        if proxysql:  # ProxySQL's window and check interval (monitor_connect_interval) govern
            window = max(window, float(env.get("PROXYSQL_SHUN_SECONDS", "30")))
            interval = max(interval, PROXYSQL_CHECK_S)
        self.recover_target = window + interval
        self.readers = int(env["SEED_READERS"])

    def watch(self) -> HealthWatch:
        admin = None
        if self.proxysql:
            env = self.stack.env
            admin = {"host": "127.0.0.1", "port": int(env["PROXYSQL_ADMIN_PORT"]),
                     "user": env.get("PROXYSQL_ADMIN_USER", "radmin"),
                     "password": env.get("PROXYSQL_ADMIN_PASSWORD", "")}
        return HealthWatch(HttpClient(self.stack.url, timeout=60), self.stack.cluster, admin)

    def load(self) -> LoadGenerator:
        return LoadGenerator(lambda: HttpClient(self.stack.url, timeout=60), self.readers,
                             readers=self.args.readers, writers=self.args.writers, hang_limit=self.hang_limit,
                             max_seconds=1800)

    def run(self, title: str, faults: list[Fault]) -> DrillResult:
        result = DrillResult(title)
        cluster, watch, load = self.stack.cluster, self.watch(), self.load().start()
        started = time.monotonic()
        try:
            time.sleep(self.args.steady)
            for fault in faults:
                result.timings.append(run_fault(
                    fault, cluster, load, watch, hold=self.args.hold, detect_timeout=self.args.hold + 20,
                    recover_target=self.recover_target, recover_timeout=self.recover_target + 30))
                time.sleep(self.args.steady)
        finally:
            result.stats = load.stop()
        result.writes = check_writes(cluster, load)
        result.replication = replication_state(cluster)
        result.seconds = time.monotonic() - started
        print(f"  {title}: {result.stats.requests} requests, {result.stats.failed_reads()} failed reads, "
              f"{result.seconds:.0f}s", flush=True)
        return result


def run_mode(proxysql_bin: str | None, args: argparse.Namespace) -> str:
    stack = DrillStack(drill_env(proxysql_bin))
    mode = f"ProxySQL in front ({proxysql_bin})" if proxysql_bin else "app-side balancing (no ProxySQL)"
    print(f"starting the drill stack: {mode}, state in {stack.state_dir}", flush=True)
    stack.up()
    try:
        drill = Drill(stack, proxysql_bin is not None, args)
        alone = [drill.run(fault.name, [fault]) for fault in all_faults()] if args.only != "sequence" else []
        sequence = drill.run("sequence", all_faults()) if args.only != "alone" else None
    finally:
        stack.down()
    env = stack.env
    settings = (f"stack: {stack.url}, master :{env['MASTER_PORT']}, replica :{env['SLAVE_PORT']}, "
                f"{env['SEED_READERS']} readers; load: {args.readers} readers, {args.writers} writers, 1 export; "
                f"hold {args.hold:.0f}s\n"
                f"timeouts: connect {env['DB_CONNECT_TIMEOUT']}s, read {env['DB_READ_TIMEOUT']}s;"
                f" offline windows: reader {env['READER_OFFLINE_SECONDS']}s, writer {env['WRITER_OFFLINE_SECONDS']}s;"
                f" lag limit {env['MAX_REPLICA_LAG_SECONDS']}s checked every {env['LAG_CHECK_SECONDS']}s")
    report = render(f"drill: {mode}", settings, alone, sequence, drill.hang_limit)
    report += f"\n(the app's log of this run: {stack.app_log})"
    met = all(ok for ok, _ in targets([*alone, *([sequence] if sequence else [])], drill.hang_limit))
    return report + ("\n" if met else "\nSOME TARGETS MISSED\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drill", description=__doc__)
    parser.add_argument("--mode", choices=["auto", "app", "proxysql"], default="auto",
                        help="auto: app-side, then ProxySQL too when a binary is found")
    parser.add_argument("--only", choices=["all", "alone", "sequence"], default="all")
    parser.add_argument("--hold", type=float, default=8.0, help="seconds each fault is held")
    parser.add_argument("--steady", type=float, default=2.0, help="seconds of plain load around faults")
    parser.add_argument("--readers", type=int, default=16, help="concurrent reader threads")
    parser.add_argument("--writers", type=int, default=2, help="concurrent writer threads")
    args = parser.parse_args(argv)
    binary = None if args.mode == "app" else find_proxysql(environment())
    modes: list[str | None] = [] if args.mode == "proxysql" else [None]
    if args.mode != "app":
        if binary:
            modes.append(binary)
        else:
            print("no ProxySQL binary (PROXYSQL_BIN or `proxysql` on PATH): ProxySQL mode not run")
    reports = []
    for binary_or_none in modes:
        try:
            reports.append(run_mode(binary_or_none, args))
        except Exception as exc:  # the other mode still runs and reports
            reports.append(f"drill aborted ({binary_or_none or 'app-side'}): {exc}\nSOME TARGETS MISSED")
        print("\n" + reports[-1], flush=True)
    return 0 if all("SOME TARGETS MISSED" not in r for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
