"""Native launcher: `python -m native up|down|status` (what `make up/down/status` run natively)."""

from __future__ import annotations

import argparse
import sys
import time

from native.app_server import AppServer
from native.cluster import Cluster, ClusterSettings
from native.env_file import create_env_file, environment
from native.mariadb_server import ClusterError


def up(cluster: Cluster, app: AppServer, env: dict[str, str]) -> None:
    started = time.monotonic()
    cluster.up()
    print(f"master   127.0.0.1:{cluster.master.port}  (data in {cluster.master.home})")
    print(f"replica  127.0.0.1:{cluster.slave.port}  (replicating with GTID)")
    app.flask("db", "upgrade")
    app.flask("seed", "--readers", env.get("SEED_READERS", "50000"))
    app.start()
    print(f"\napp      {app.url}  (log: {app.log_file}), up in {time.monotonic() - started:.1f}s")
    print(f"try:     curl {app.url}/api/v1/library/reader/1/")
    print(f"         curl -O -J {app.url}/api/v1/library/export/")


def status(cluster: Cluster, app: AppServer) -> None:
    rows = cluster.status_rows()
    columns = ["role", "address", "state", "read_only", "io", "sql", "lag_s", "gtid"]
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) for c in columns))
    state = "healthy" if app.healthy() else "running, not healthy" if app.pid() else "down"
    print(f"\napp {app.url}: {state}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m native", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status"])
    args = parser.parse_args(argv)
    create_env_file()
    env = environment()
    settings = ClusterSettings.from_env(env)
    cluster = Cluster(settings)
    app_env = {"DB_WRITER": f"127.0.0.1:{settings.master_port}",
               "DB_READERS": f"127.0.0.1:{settings.master_port},127.0.0.1:{settings.slave_port}", **env}
    app = AppServer(settings.state_dir / "app", app_env)
    try:
        if args.command == "up":
            up(cluster, app, env)
        elif args.command == "down":
            app.stop()
            cluster.down()
            print("native stack stopped (data kept; `make clean` removes it)")
        else:
            status(cluster, app)
    except ClusterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
